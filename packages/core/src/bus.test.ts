import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus, type RouteTrace } from "./bus.js";
import {
  AgentResponse,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import { deferred } from "./internal/test-deferred.js";
import { SpyLogger } from "./internal/test-spy-logger.js";
import { Message } from "./message.js";

const say = (content: string, source = "user") =>
  new Message({ source, event: new UserTranscriptionReceived({ content }) });
const stopped = (source = "user") => new Message({ source, event: new UserStoppedSpeaking() });
const started = (source = "user") => new Message({ source, event: new UserStartedSpeaking() });

function contentOf(m: Message): string {
  const e = m.event as { content?: unknown };
  return typeof e.content === "string" ? e.content : m.event.constructor.name;
}

describe("Bus", () => {
  describe("#broadcast", () => {
    it("delivers every message to every bridge in broadcast order", async () => {
      const bus = new Bus();
      const seen: Record<string, string[]> = { a: [], b: [] };
      for (const name of ["a", "b"] as const) {
        const bridge = new Bridge(name);
        bridge.on("*").map((m) => seen[name]!.push(contentOf(m)));
        bus.registerBridge(name, bridge);
      }
      await bus.start();
      for (const c of ["1", "2", "3"]) await bus.broadcast(say(c));
      expect(seen).toEqual({ a: ["1", "2", "3"], b: ["1", "2", "3"] });
      await bus.cleanup();
    });

    it("keeps broadcast order for broadcasts made from inside a delivery", async () => {
      const bus = new Bus();
      const relay = new Bridge("relay");
      relay.on(UserTranscriptionReceived, { where: { content: "go" } }).map(() => {
        void bus.broadcast(say("inner-1", "relay"));
        void bus.broadcast(say("inner-2", "relay"));
      });
      const seen: Record<string, string[]> = { early: [], late: [] };
      const early = new Bridge("early");
      early.on("*").map((m) => seen["early"]!.push(contentOf(m)));
      const late = new Bridge("late");
      late.on("*").map((m) => seen["late"]!.push(contentOf(m)));
      bus
        .registerBridge("early", early)
        .registerBridge("relay", relay)
        .registerBridge("late", late);
      await bus.start();
      await bus.broadcast(say("go"));
      await bus.broadcast(say("after"));
      // "late" sees "go" before the inner broadcasts although they were made while "go" was being delivered.
      expect(seen["early"]).toEqual(["go", "inner-1", "inner-2", "after"]);
      expect(seen["late"]).toEqual(["go", "inner-1", "inner-2", "after"]);
      await bus.cleanup();
    });

    it("resolves once the message has been delivered, not when routes finish", async () => {
      const bus = new Bus();
      const release = deferred();
      const events: string[] = [];
      const bridge = new Bridge("b");
      bridge
        .on(UserStoppedSpeaking)
        .map(() => events.push("started"))
        .map(() => release.promise)
        .map(() => events.push("finished"));
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.broadcast(stopped());
      expect(events).toEqual(["started"]);
      expect(bus.stats().active).toBe(1);
      release.resolve();
      await bus.cleanup();
    });

    it("resolves an inner broadcast only after it was delivered", async () => {
      const bus = new Bus();
      const seen: string[] = [];
      let inner: Promise<void> | undefined;
      let seenWhenResolved: string[] = [];
      const bridge = new Bridge("b");
      bridge.on("*").map((m) => {
        seen.push(contentOf(m));
        if (contentOf(m) === "outer") {
          inner = bus.broadcast(say("inner")).then(() => {
            seenWhenResolved = [...seen];
          });
        }
      });
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.broadcast(say("outer"));
      await inner;
      expect(seenWhenResolved).toEqual(["outer", "inner"]);
      await bus.cleanup();
    });

    it("back-pressures with a small maxQueueSize and drops nothing", async () => {
      const bus = new Bus({ maxQueueSize: 2 });
      const seen: string[] = [];
      const producer = new Bridge("producer");
      producer.on(UserStoppedSpeaking).map(() => {
        for (let i = 0; i < 20; i++) {
          void bus.broadcast(say(`c${i}`, "producer"));
        }
      });
      const consumer = new Bridge("consumer");
      consumer.on(UserTranscriptionReceived).map((m) => seen.push(m.event.content));
      bus.registerBridge("producer", producer).registerBridge("consumer", consumer);
      await bus.start();
      const queued: number[] = [];
      bus.messages$.subscribe(() => queued.push(bus.stats().queued));
      await bus.broadcast(stopped());
      await bus.broadcast(say("last"));
      expect(seen).toEqual([...Array.from({ length: 20 }, (_, i) => `c${i}`), "last"]);
      expect(Math.max(...queued)).toBeLessThanOrEqual(2);
      await bus.cleanup();
    });

    it("keeps broadcast order under back-pressure: a later broadcast never overtakes a waiting one", async () => {
      const bus = new Bus({ maxQueueSize: 2 });
      const producer = new Bridge("producer");
      producer.on(UserStoppedSpeaking).map(() => {
        for (let i = 0; i < 6; i++) void bus.broadcast(say(`c${i}`, "producer"));
      });
      const echo = new Bridge("echo");
      echo.on(UserTranscriptionReceived, { source: "producer" }).map((m) => {
        void bus.broadcast(say(`echo-${m.event.content}`, "echo"));
      });
      const seen: string[] = [];
      const consumer = new Bridge("consumer");
      consumer.on(UserTranscriptionReceived).map((m) => seen.push(m.event.content));
      bus
        .registerBridge("producer", producer)
        .registerBridge("echo", echo)
        .registerBridge("consumer", consumer);
      await bus.start();
      await bus.broadcast(stopped());
      await bus.cleanup();
      const cs = Array.from({ length: 6 }, (_, i) => `c${i}`);
      expect(seen).toEqual([...cs, ...cs.map((c) => `echo-${c}`)]);
    });

    it("reports a where predicate that throws and keeps delivering", async () => {
      const logger = new SpyLogger();
      const bus = new Bus({ logger });
      const seen: string[] = [];
      const bridge = new Bridge("b");
      bridge
        .on(UserTranscriptionReceived, {
          where: {
            content: (c) => {
              if (c === "bad") throw new Error("where kaput");
              return true;
            },
          },
        })
        .map((m) => seen.push(m.event.content));
      bridge.on(UserTranscriptionReceived).map((m) => seen.push(`other:${m.event.content}`));
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.broadcast(say("bad"));
      await bus.broadcast(say("good"));
      await bus.cleanup();
      expect(seen).toEqual(["other:bad", "good", "other:good"]);
      expect(logger.lines.filter((l) => l.level === "error")).toHaveLength(1);
    });

    it("is a no-op after cleanup", async () => {
      const bus = new Bus();
      const seen: string[] = [];
      const bridge = new Bridge("b");
      bridge.on("*").map((m) => seen.push(contentOf(m)));
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.cleanup();
      await expect(bus.broadcast(say("late"))).resolves.toBeUndefined();
      expect(seen).toEqual([]);
    });
  });

  describe("#messages$", () => {
    it("emits everything broadcast, in order, and completes on cleanup", async () => {
      const bus = new Bus();
      const seen: string[] = [];
      let completed = false;
      bus.messages$.subscribe({
        next: (m) => seen.push(contentOf(m)),
        complete: () => (completed = true),
      });
      const bridge = new Bridge("echo");
      bridge
        .on(UserTranscriptionReceived)
        .map((m) => `echo:${m.event.content}`)
        .broadcast();
      bus.registerBridge("echo", bridge);
      await bus.start();
      await bus.broadcast(say("a"));
      await bus.broadcast(say("b"));
      await bus.cleanup();
      expect(seen).toEqual(["a", "echo:a", "b", "echo:b"]);
      expect(completed).toBe(true);
    });
  });

  describe("#start / #cleanup", () => {
    it("is idempotent", async () => {
      const bus = new Bus();
      let starts = 0;
      const bridge = new Bridge("b");
      bridge.withInputRouting({
        [Symbol.asyncIterator]() {
          starts++;
          return { next: () => new Promise<IteratorResult<object>>(() => {}) };
        },
      });
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.start();
      expect(starts).toBe(1);
      const first = bus.cleanup();
      expect(bus.cleanup()).toBe(first);
      await first;
      await bus.cleanup();
      await bus.start();
      expect(starts).toBe(1);
    });

    it("cleanup cancels every running execution and waits for its generator's finally", async () => {
      const bus = new Bus();
      const closed: string[] = [];
      const parked = deferred();
      const bridge = new Bridge("b");
      let signal: AbortSignal | undefined;
      bridge.on(UserStoppedSpeaking).stream(async function* (_m, ctx) {
        signal = ctx.signal;
        try {
          yield "one";
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
          );
          yield "never";
        } finally {
          closed.push("generator");
        }
      });
      bridge.on(UserTranscriptionReceived).map(async () => {
        await parked.promise;
        closed.push("map-continued");
      });
      bus.registerBridge("b", bridge);
      await bus.start();
      await bus.broadcast(stopped());
      await bus.broadcast(say("x"));
      expect(bus.stats().active).toBe(2);
      await bus.cleanup();
      expect(signal?.aborted).toBe(true);
      expect(closed).toEqual(["generator"]);
      expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0, waiting: 0, queued: 0 });
      parked.resolve();
    });
  });

  describe("errors", () => {
    it("logs a throwing route with its bridge and event, and keeps the bus and other routes going", async () => {
      const logger = new SpyLogger();
      const bus = new Bus({ logger });
      const ok: string[] = [];
      const bridge = new Bridge("agent");
      bridge.on(UserTranscriptionReceived).map((m) => {
        if (m.event.content === "bad") throw new Error("kaput");
        return m;
      });
      bridge.on(UserTranscriptionReceived).map((m) => ok.push(m.event.content));
      bus.registerBridge("agent", bridge);
      await bus.start();
      const failures: unknown[] = [];
      bus.errors$.subscribe((f) => failures.push(f.error));
      await bus.broadcast(say("bad"));
      await bus.broadcast(say("good"));
      expect(ok).toEqual(["bad", "good"]);
      const errors = logger.lines.filter((l) => l.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.fields).toMatchObject({ bridge: "agent", event: "user.transcription" });
      expect((errors[0]!.fields["err"] as Error).message).toBe("kaput");
      expect(failures).toHaveLength(1);
      await bus.cleanup();
    });

    it("makes a bridge's child logger on its first line, bound to the name it was registered under", async () => {
      // Every call holds several bridges and most never log: their children are not made up front.
      class CountingLogger extends SpyLogger {
        children = 0;
        override child(bindings: Record<string, unknown>) {
          this.children++;
          return super.child(bindings);
        }
      }
      const logger = new CountingLogger();
      const bus = new Bus({ logger });
      const quiet = new Bridge("quiet");
      quiet.on(UserTranscriptionReceived).map(() => undefined);
      const failing = new Bridge("agent");
      failing.on(UserTranscriptionReceived).map((m) => {
        if (m.event.content !== "fine") throw new Error("kaput");
      });
      bus.registerBridge("quiet", quiet).registerBridge("speaker", failing);
      await bus.start();
      await bus.broadcast(say("fine"));
      expect(logger.children).toBe(0);

      const failed = new Promise((resolve) => bus.errors$.subscribe(resolve));
      await bus.broadcast(say("again"));
      await failed;
      await bus.broadcast(say("and again"));
      expect(logger.children).toBe(1);
      const errors = logger.lines.filter((l) => l.level === "error");
      expect(errors).toHaveLength(2);
      for (const error of errors) expect(error.fields).toMatchObject({ bridge: "speaker" });
      await bus.cleanup();
    });

    it("logs through an injected pino logger", async () => {
      const lines: Record<string, unknown>[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      });
      const bus = new Bus({ logger: pino({ level: "debug" }, stream) });
      const bridge = new Bridge("agent");
      bridge.on(UserStoppedSpeaking).map(async () => {
        throw new Error("async kaput");
      });
      bus.registerBridge("agent", bridge);
      await bus.start();
      await bus.broadcast(stopped());
      await bus.cleanup();
      const error = lines.find((l) => l["level"] === 50);
      expect(error).toMatchObject({ bridge: "agent", event: "user.stopped_speaking" });
      expect(JSON.stringify(error)).toContain("async kaput");
    });

    it("never logs a cancelled execution's abort above debug", async () => {
      const logger = new SpyLogger();
      const bus = new Bus({ logger });
      const bridge = new Bridge("agent");
      bridge
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .map(
          (_m, ctx) =>
            new Promise((_resolve, reject) =>
              ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
            ),
        )
        .map(() => "unreachable");
      bridge.on(UserTranscriptionReceived).stream(async function* (_m, ctx) {
        yield "a";
        await new Promise((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
        );
      });
      bus.registerBridge("agent", bridge);
      await bus.start();
      await bus.broadcast(stopped());
      await bus.broadcast(say("x"));
      await bus.broadcast(started());
      await bus.cleanup();
      expect(logger.loud).toEqual([]);
    });
  });

  describe("#stats", () => {
    it("counts bridges, routes, active, waiting and queued", async () => {
      const bus = new Bus();
      const release = deferred();
      const a = new Bridge("a");
      a.on(UserStoppedSpeaking)
        .concurrency("concat")
        .map(() => release.promise);
      a.on(UserTranscriptionReceived).map(() => undefined);
      const b = new Bridge("b");
      b.on("*").map(() => undefined);
      bus.registerBridge("a", a).registerBridge("b", b);
      expect(bus.stats()).toEqual({
        bridges: 2,
        routes: 3,
        active: 0,
        tearingDown: 0,
        waiting: 0,
        queued: 0,
      });
      await bus.start();
      await bus.broadcast(stopped());
      await bus.broadcast(stopped());
      expect(bus.stats()).toMatchObject({ active: 1, waiting: 1, queued: 0 });
      release.resolve();
      await bus.cleanup();
      expect(bus.stats()).toMatchObject({ active: 0, waiting: 0, tearingDown: 0 });
    });
  });

  it("rejects a second bridge under the same name", () => {
    const bus = new Bus();
    bus.registerBridge("a", new Bridge("a"));
    expect(() => bus.registerBridge("a", new Bridge("x"))).toThrow(/already registered/);
  });

  it("publishes string values from routes as AgentResponse", async () => {
    const bus = new Bus();
    const out: Message[] = [];
    bus.messages$.subscribe((m) => out.push(m));
    const bridge = new Bridge("agent");
    bridge
      .on(UserStoppedSpeaking)
      .map(() => "hello")
      .broadcast();
    bus.registerBridge("agent", bridge);
    await bus.start();
    await bus.broadcast(stopped());
    await bus.cleanup();
    expect(out[1]!.event).toBeInstanceOf(AgentResponse);
  });
});

describe("Bus lifecycle", () => {
  it("close() is idempotent, moves the state enum and is what cleanup() and asyncDispose do", async () => {
    const bus = new Bus();
    const bridge = new Bridge("agent");
    const release = deferred();
    let closedGenerator = false;
    bridge.on(UserStoppedSpeaking).stream(async function* () {
      try {
        await release.promise;
        yield "never";
      } finally {
        closedGenerator = true;
      }
    });
    bus.registerBridge("agent", bridge);
    expect(bus.state).toBe("idle");
    expect(bridge.state).toBe("idle");
    await bus.start();
    expect([bus.state, bridge.state]).toEqual(["started", "running"]);
    await bus.broadcast(stopped());
    const closing = bus.close();
    expect(bus.state).toBe("closing");
    expect(bus.close()).toBe(closing);
    expect(bus.cleanup()).toBe(closing);
    expect(bus[Symbol.asyncDispose]()).toBe(closing);
    release.resolve();
    await closing;
    expect([bus.state, bridge.state]).toEqual(["closed", "closed"]);
    expect(closedGenerator).toBe(true);
    expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0, waiting: 0 });
  });

  it("Bridge.close(), stop() and asyncDispose are one idempotent teardown", async () => {
    const bus = new Bus();
    const bridge = new Bridge("agent");
    bus.registerBridge("agent", bridge);
    await bus.start();
    const closing = bridge.close();
    expect(bridge.stop()).toBe(closing);
    expect(bridge[Symbol.asyncDispose]()).toBe(closing);
    await closing;
    expect(bridge.state).toBe("closed");
    expect(bus.state).toBe("started");
    await bus.close();
  });
});

describe("Bus#describe", () => {
  it("lists bridges, routes, triggers, sources, concurrency, controls and named steps", () => {
    const bus = new Bus();
    const agent = new Bridge("agent-node");
    function addEvent() {}
    agent.on(UserTranscriptionReceived, { source: "user" }).map(addEvent);
    agent
      .on(UserStoppedSpeaking)
      .concurrency("switch")
      .interruptOn(UserStartedSpeaking)
      .suspendOn("agent.handoff")
      .resumeOn("system.authorize")
      .stream(async function* generate() {})
      .broadcast();
    const user = new Bridge("user").authorize("agent-node");
    user
      .on("agent.*")
      .map((m) => ({ content: m.id }))
      .broadcast(AgentResponse);
    bus.registerBridge("agent", agent).registerBridge("user", user);
    expect(bus.describe()).toEqual({
      bridges: [
        {
          name: "agent",
          nodeId: "agent-node",
          authorized: null,
          routes: [
            {
              id: "route-0",
              trigger: "UserTranscriptionReceived",
              source: ["user"],
              concurrency: "merge",
              controls: [],
              steps: [{ kind: "map", name: "addEvent" }],
            },
            {
              id: "route-1",
              trigger: "UserStoppedSpeaking",
              concurrency: "switch",
              controls: [
                { kind: "interrupt", event: "UserStartedSpeaking" },
                { kind: "suspend", event: "agent.handoff" },
                { kind: "resume", event: "system.authorize" },
              ],
              steps: [{ kind: "stream", name: "generate" }, { kind: "broadcast" }],
            },
          ],
        },
        {
          name: "user",
          nodeId: "user",
          authorized: ["agent-node"],
          routes: [
            {
              id: "route-0",
              trigger: "agent.*",
              concurrency: "merge",
              controls: [],
              steps: [{ kind: "map" }, { kind: "broadcast", name: "AgentResponse" }],
            },
          ],
        },
      ],
    });
  });
});

describe("Bus#trace", () => {
  it("reports triggered, started, cancelled and ended with the generation's id, until unsubscribed", async () => {
    const bus = new Bus();
    const agent = new Bridge("agent");
    agent
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking)
      .stream(async function* (_m, ctx) {
        yield "hi";
        await new Promise((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
        );
      })
      .broadcast();
    bus.registerBridge("agent", agent);
    await bus.start();
    const traces: RouteTrace[] = [];
    const untrace = bus.trace((t) => traces.push(t));
    const heard = deferred();
    bus.messages$.subscribe((m) => {
      if (m.event instanceof AgentResponse) heard.resolve();
    });
    await bus.broadcast(stopped());
    await heard.promise;
    await bus.broadcast(started());
    await bus.close();
    expect(traces.map((t) => t.phase)).toEqual(["triggered", "started", "cancelled", "ended"]);
    const [triggered, ...rest] = traces;
    expect(triggered).toMatchObject({
      bridge: "agent",
      routeId: "route-0",
      event: "user.stopped_speaking",
    });
    expect(triggered!.generationId).toBeUndefined();
    const ids = new Set(rest.map((t) => t.generationId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^[\w-]{9,20}$/);
    for (const t of traces) expect(typeof t.at).toBe("number");

    untrace();
  });

  it("stops calling a listener once its unsubscribe ran, and survives a throwing listener", async () => {
    const logger = new SpyLogger();
    const bus = new Bus({ logger });
    const agent = new Bridge("agent");
    agent.on(UserStoppedSpeaking).map(() => undefined);
    bus.registerBridge("agent", agent);
    await bus.start();
    const seen: string[] = [];
    const untrace = bus.trace((t) => seen.push(t.phase));
    const unthrow = bus.trace(() => {
      throw new Error("listener bug");
    });
    await bus.broadcast(stopped());
    expect(seen).toEqual(["triggered", "started", "ended"]);
    untrace();
    unthrow();
    await bus.broadcast(stopped());
    expect(seen).toHaveLength(3);
    expect(logger.lines.filter((l) => l.msg === "trace listener failed")).toHaveLength(3);
    await bus.close();
  });
});
