import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { Bridge, type ConversationalNode } from "./bridge.js";
import { Bus } from "./bus.js";
import { registerEvent } from "./event-registry.js";
import {
  AgentGenerationComplete,
  AgentSpeechSent,
  AgentResponse,
  DTMFInputEvent,
  DTMFOutputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import { deferred } from "./internal/test-deferred.js";
import { Message } from "./message.js";
import type { RouteContext } from "./route-context.js";

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const msg = (event: object, source = "user") => new Message({ source, event });
const say = (content: string, source = "user") =>
  msg(new UserTranscriptionReceived({ content }), source);

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await settle();
  }
}

async function onBus(...bridges: Bridge[]) {
  const bus = new Bus();
  for (const bridge of bridges) bus.registerBridge(bridge.nodeId, bridge);
  const seen: Message[] = [];
  bus.messages$.subscribe((m) => seen.push(m));
  await bus.start();
  return { bus, seen };
}

class Refund {
  readonly amount: number;
  constructor(init: { amount: number }) {
    this.amount = init.amount;
  }
}
registerEvent("billing.refund", Refund);

describe("Bridge", () => {
  it("takes its node id from a node or a name", () => {
    expect(new Bridge("agent").nodeId).toBe("agent");
    const node = { id: "n1" };
    const bridge = new Bridge(node);
    expect(bridge.nodeId).toBe("n1");
    expect(bridge.node).toBe(node);
  });

  describe("#on", () => {
    it("matches an event class, an alias, an alias glob and *", async () => {
      const got: Record<string, string[]> = { cls: [], alias: [], glob: [], star: [], custom: [] };
      const bridge = new Bridge("b");
      const name = (m: Message) => m.event.constructor.name;
      bridge.on(DTMFInputEvent).map((m) => got["cls"]!.push(name(m)));
      bridge.on("user.transcription").map((m) => got["alias"]!.push(name(m)));
      bridge.on("dtmf.*").map((m) => got["glob"]!.push(name(m)));
      bridge.on("*").map((m) => got["star"]!.push(name(m)));
      bridge.on("billing.*").map((m) => got["custom"]!.push(name(m)));
      const { bus } = await onBus(bridge);
      for (const event of [
        new DTMFInputEvent({ button: "1" }),
        new DTMFOutputEvent({ button: "2" }),
        new UserTranscriptionReceived({ content: "x" }),
        new Refund({ amount: 3 }),
      ]) {
        await bus.broadcast(msg(event));
      }
      await bus.cleanup();
      expect(got).toEqual({
        cls: ["DTMFInputEvent"],
        alias: ["UserTranscriptionReceived"],
        glob: ["DTMFInputEvent", "DTMFOutputEvent"],
        star: ["DTMFInputEvent", "DTMFOutputEvent", "UserTranscriptionReceived", "Refund"],
        custom: ["Refund"],
      });
    });

    it("filters on source (one or several), on a message filter, and on where values and predicates", async () => {
      const got: Record<string, string[]> = {
        source: [],
        sources: [],
        filter: [],
        value: [],
        predicate: [],
      };
      const bridge = new Bridge("b");
      const text = (m: Message<UserTranscriptionReceived>) => `${m.source}:${m.event.content}`;
      bridge
        .on(UserTranscriptionReceived, { source: "user" })
        .map((m) => got["source"]!.push(text(m)));
      bridge
        .on(UserTranscriptionReceived, { source: ["user", "tool"] })
        .map((m) => got["sources"]!.push(text(m)));
      bridge
        .on(UserTranscriptionReceived, { filter: (m) => m.event.content.startsWith("h") })
        .map((m) => got["filter"]!.push(text(m)));
      bridge
        .on(UserTranscriptionReceived, { where: { content: "hello" } })
        .map((m) => got["value"]!.push(text(m)));
      bridge
        .on(UserTranscriptionReceived, { where: { content: (c) => c.length > 3 } })
        .map((m) => got["predicate"]!.push(text(m)));
      const { bus } = await onBus(bridge);
      await bus.broadcast(say("hello"));
      await bus.broadcast(say("hi", "tool"));
      await bus.broadcast(say("goodbye", "other"));
      await bus.cleanup();
      expect(got).toEqual({
        source: ["user:hello"],
        sources: ["user:hello", "tool:hi"],
        filter: ["user:hello", "tool:hi"],
        value: ["user:hello"],
        predicate: ["user:hello", "other:goodbye"],
      });
    });

    it("matches where on AgentResponse.chunkType", async () => {
      const got: string[] = [];
      const bridge = new Bridge("b");
      bridge
        .on(AgentResponse, { where: { chunkType: "text" } })
        .map((m) => got.push(m.event.content));
      const { bus } = await onBus(bridge);
      await bus.broadcast(msg(new AgentResponse({ content: "t" })));
      await bus.broadcast(msg(new AgentResponse({ content: "s", chunkType: "ssml" })));
      await bus.cleanup();
      expect(got).toEqual(["t"]);
    });
  });

  describe("#authorize", () => {
    it("handles only messages from authorized sources", async () => {
      const got: string[] = [];
      const bridge = new Bridge("user-bridge");
      bridge.authorize("agent", "system");
      bridge.on(UserTranscriptionReceived).map((m) => got.push(m.source));
      const { bus } = await onBus(bridge);
      for (const source of ["agent", "intruder", "system"]) await bus.broadcast(say("x", source));
      bridge.deauthorize("agent");
      await bus.broadcast(say("x", "agent"));
      await bus.cleanup();
      expect(got).toEqual(["agent", "system"]);
      expect(bridge.isAuthorized("system")).toBe(true);
      expect(bridge.isAuthorized("agent")).toBe(false);
    });

    it("ignores control events from unauthorized sources", async () => {
      const parked = deferred();
      const bridge = new Bridge("b");
      bridge.authorize("user");
      let signal: AbortSignal | undefined;
      bridge
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .map(async (_m, ctx) => {
          signal = ctx.signal;
          parked.resolve();
          await new Promise((_r, reject) =>
            ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
          );
        });
      const { bus } = await onBus(bridge);
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await parked.promise;
      await bus.broadcast(msg(new UserStartedSpeaking(), "intruder"));
      expect(signal?.aborted).toBe(false);
      await bus.broadcast(msg(new UserStartedSpeaking(), "user"));
      expect(signal?.aborted).toBe(true);
      await bus.cleanup();
    });
  });

  describe("#withInputRouting", () => {
    it("broadcasts the events of an async iterable with the bridge's node id, and closes it on stop", async () => {
      const closed = deferred();
      const parked = deferred();
      const bridge = new Bridge("user");
      bridge.withInputRouting(
        (async function* () {
          try {
            yield new UserTranscriptionReceived({ content: "one" });
            yield new UserStoppedSpeaking();
            parked.resolve();
            await new Promise(() => {});
          } finally {
            closed.resolve();
          }
        })(),
      );
      const { bus, seen } = await onBus(bridge);
      await parked.promise;
      expect(seen.map((m) => [m.source, m.event.constructor.name])).toEqual([
        ["user", "UserTranscriptionReceived"],
        ["user", "UserStoppedSpeaking"],
      ]);
      await bus.cleanup();
      // An iterator parked forever cannot run its finally; a well-behaved iterator gets return().
      expect(bus.stats().active).toBe(0);
    });

    it("calls return() on an async iterator when stopped", async () => {
      let returned = false;
      const pending = deferred<IteratorResult<object>>();
      const bridge = new Bridge("user");
      bridge.withInputRouting({
        [Symbol.asyncIterator]: () => ({
          next: () => pending.promise,
          return: async () => {
            returned = true;
            pending.resolve({ done: true, value: undefined });
            return { done: true, value: undefined };
          },
        }),
      });
      const { bus } = await onBus(bridge);
      await bus.cleanup();
      expect(returned).toBe(true);
    });

    it("broadcasts the events of an Observable and unsubscribes on stop", async () => {
      const subject = new Subject<object>();
      const bridge = new Bridge("user");
      bridge.withInputRouting(subject);
      const { bus, seen } = await onBus(bridge);
      expect(subject.observed).toBe(true);
      subject.next(new UserTranscriptionReceived({ content: "a" }));
      subject.next(msg(new UserStoppedSpeaking(), "custom-source"));
      await bus.cleanup();
      expect(subject.observed).toBe(false);
      expect(seen.map((m) => m.source)).toEqual(["user", "custom-source"]);
    });

    it("polls a Line-style { get(), mapToEvents() } input until stopped", async () => {
      const frames = ["hello", "bye"];
      const blocked = deferred();
      let gets = 0;
      const input = {
        prefix: "said:",
        get(): Promise<string> | string {
          gets++;
          const next = frames.shift();
          if (next !== undefined) return next;
          blocked.resolve();
          return new Promise<string>(() => {});
        },
        mapToEvents(data: string): object[] {
          return [new UserTranscriptionReceived({ content: this.prefix + data })];
        },
      };
      const bridge = new Bridge("user");
      bridge.withInputRouting(input);
      const { bus, seen } = await onBus(bridge);
      await blocked.promise;
      await bus.cleanup();
      expect(seen.map((m) => (m.event as UserTranscriptionReceived).content)).toEqual([
        "said:hello",
        "said:bye",
      ]);
      expect(gets).toBe(3);
    });

    it("starts input added after start()", async () => {
      const subject = new Subject<object>();
      const bridge = new Bridge("user");
      const { bus, seen } = await onBus(bridge);
      bridge.withInputRouting(subject);
      subject.next(new UserStoppedSpeaking());
      await bus.cleanup();
      expect(seen).toHaveLength(1);
    });
  });

  describe("#start / #stop", () => {
    it("stop() cancels this bridge's executions and ends its routing; other bridges go on", async () => {
      const closed = deferred<void>();
      const agent = new Bridge("agent");
      agent
        .on(UserStoppedSpeaking)
        .stream(async function* (_m, ctx) {
          try {
            yield new AgentResponse({ content: "first" });
            await new Promise((_, reject) =>
              ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
            );
          } finally {
            closed.resolve();
          }
        })
        .broadcast();
      const other = new Bridge("other");
      const otherSaw: string[] = [];
      other.on(UserStoppedSpeaking).map(() => otherSaw.push("stopped"));
      const { bus } = await onBus(agent, other);
      await agent.start(); // already started by the bus: a no-op
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      expect(bus.stats().active).toBe(1);
      await agent.stop();
      await closed.promise;
      expect(bus.stats().active).toBe(0);
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      expect(bus.stats().active).toBe(0);
      expect(otherSaw).toEqual(["stopped", "stopped"]);
      await bus.cleanup();
    });
  });

  describe("#conversation", () => {
    function fakeNode() {
      const calls: string[] = [];
      let resumeGeneration: (() => void) | undefined;
      // Methods that use `this`: they must work however the bridge calls them.
      class FakeNode implements ConversationalNode {
        readonly id = "fake";
        readonly history: string[] = [];
        addEvent(eventOrMessage: object): void {
          const event = eventOrMessage instanceof Message ? eventOrMessage.event : eventOrMessage;
          if (event instanceof UserTranscriptionReceived) this.history.push(event.content);
        }
        async *generate(_message: Message, ctx?: RouteContext): AsyncGenerator<object> {
          calls.push(`generate:${this.history.join(",")}`);
          try {
            yield new AgentResponse({ content: `you said ${this.history.at(-1) ?? ""}` });
            await new Promise<void>((resolve, reject) => {
              resumeGeneration = resolve;
              ctx?.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error));
            });
            yield new AgentResponse({ content: "more" });
            yield new AgentGenerationComplete({ chunkCount: 2 });
          } finally {
            calls.push("closed");
          }
        }
        onInterruptGenerate(message: Message): void {
          calls.push(`interrupted-by:${message.event.constructor.name}:${this.id}`);
        }
      }
      return { node: new FakeNode(), calls, resume: () => resumeGeneration?.() };
    }

    it("wires transcripts into addEvent and runs generate on UserStoppedSpeaking", async () => {
      const { node, calls, resume } = fakeNode();
      const bridge = new Bridge(node);
      const routes = bridge.conversation(node);
      expect(routes.transcripts).toBeDefined();
      expect(routes.generation).toBeDefined();
      const { bus, seen } = await onBus(bridge);
      await bus.broadcast(say("hello"));
      expect(node.history).toEqual(["hello"]);
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await waitFor(() => seen.length === 3);
      resume();
      await waitFor(() => calls.includes("closed"));
      await settle();
      const out = seen.filter((m) => m.source === "fake");
      expect(out.map((m) => m.event.constructor.name)).toEqual([
        "AgentResponse",
        "AgentResponse",
        "AgentGenerationComplete",
      ]);
      expect((out[0]!.event as AgentResponse).content).toBe("you said hello");
      await bus.cleanup();
    });

    it("cancels on UserStartedSpeaking and calls onInterruptGenerate with the node as this", async () => {
      const { node, calls } = fakeNode();
      const bridge = new Bridge(node);
      bridge.conversation(node);
      const { bus, seen } = await onBus(bridge);
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await waitFor(() => seen.some((m) => m.source === "fake"));
      await bus.broadcast(msg(new UserStartedSpeaking()));
      await waitFor(() => calls.some((c) => c.startsWith("interrupted-by")));
      expect(calls).toEqual(["generate:", "closed", "interrupted-by:UserStartedSpeaking:fake"]);
      await bus.cleanup();
    });

    it("takes runOn and cancelOn", async () => {
      const { node, calls } = fakeNode();
      const bridge = new Bridge(node);
      bridge.conversation(node, { runOn: DTMFInputEvent, cancelOn: DTMFOutputEvent });
      const { bus, seen } = await onBus(bridge);
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await settle();
      expect(calls).toEqual([]);
      await bus.broadcast(msg(new DTMFInputEvent({ button: "1" })));
      await waitFor(() => seen.some((m) => m.source === "fake"));
      await bus.broadcast(msg(new DTMFOutputEvent({ button: "1" })));
      await waitFor(() => calls.length === 3);
      expect(calls[2]).toBe("interrupted-by:DTMFOutputEvent:fake");
      await bus.cleanup();
    });

    it("starts turns only while filter allows, and routes AgentSpeechSent into the history", async () => {
      const { node, calls } = fakeNode();
      const spoken: string[] = [];
      const addEvent = node.addEvent.bind(node);
      node.addEvent = (eventOrMessage: object) => {
        const event = eventOrMessage instanceof Message ? eventOrMessage.event : eventOrMessage;
        if (event instanceof AgentSpeechSent) spoken.push(event.content);
        addEvent(eventOrMessage);
      };
      let speaking = false;
      const bridge = new Bridge(node);
      const routes = bridge.conversation(node, { filter: () => speaking });
      expect(routes.spoken).toBeDefined();
      const { bus, seen } = await onBus(bridge);
      await bus.broadcast(say("hello"));
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await settle();
      expect(calls).toEqual([]);
      expect(node.history).toEqual(["hello"]);
      speaking = true;
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await waitFor(() => seen.some((m) => m.source === "fake"));
      expect(calls).toEqual(["generate:hello"]);
      await bus.broadcast(msg(new AgentSpeechSent({ content: "you said" })));
      expect(spoken).toEqual(["you said"]);
      await bus.cleanup();
    });

    it("works with Line's unbound-method routes on a node whose methods are bound", async () => {
      const history: string[] = [];
      const node = {
        id: "line",
        addEvent: (m: Message<UserTranscriptionReceived>) => void history.push(m.event.content),
        generate: async function* (_m: Message, ctx: RouteContext) {
          expect(ctx.signal).toBeInstanceOf(AbortSignal);
          yield new AgentResponse({ content: history.join(" ") });
        },
      };
      const bridge = new Bridge(node);
      bridge.on(UserTranscriptionReceived).map(node.addEvent);
      bridge.on(UserStoppedSpeaking).stream(node.generate).broadcast();
      const { bus, seen } = await onBus(bridge);
      await bus.broadcast(say("a"));
      await bus.broadcast(say("b"));
      await bus.broadcast(msg(new UserStoppedSpeaking()));
      await waitFor(() => seen.some((m) => m.source === "line"));
      expect((seen.at(-1)!.event as AgentResponse).content).toBe("a b");
      await bus.cleanup();
    });
  });

  it("refuses to be registered on a second bus", () => {
    const bridge = new Bridge("b");
    new Bus().registerBridge("b", bridge);
    expect(() => new Bus().registerBridge("b", bridge)).toThrow(/another bus/);
  });
});
