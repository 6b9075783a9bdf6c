import { bufferCount, delay, filter as rxFilter, finalize, map as rxMap } from "rxjs";
import { describe, expect, it } from "vitest";
// Line's names (interrupt_on, .on() on a builder) are typed by the line entry.
import "./line.js";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import {
  AgentHandoff,
  AgentResponse,
  Authorize,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import { SwitchboardError } from "./errors.js";
import { deferred } from "./internal/test-deferred.js";
import { SpyLogger } from "./internal/test-spy-logger.js";
import { Message } from "./message.js";

const stopped = () => new Message({ source: "user", event: new UserStoppedSpeaking() });
const started = () => new Message({ source: "user", event: new UserStartedSpeaking() });
const say = (content: string) =>
  new Message({ source: "user", event: new UserTranscriptionReceived({ content }) });
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function harness(setup: (agent: Bridge, bus: Bus) => void) {
  const logger = new SpyLogger();
  const bus = new Bus({ logger });
  const agent = new Bridge("agent");
  setup(agent, bus);
  const out: Message[] = [];
  bus.messages$.subscribe((m) => {
    if (m.source === "agent") out.push(m);
  });
  bus.registerBridge("agent", agent);
  await bus.start();
  const errors = () => logger.lines.filter((l) => l.level === "error");
  return { bus, out, logger, errors };
}

const contents = (out: Message[]) => out.map((m) => (m.event as AgentResponse).content);

describe("RouteBuilder", () => {
  describe("#map", () => {
    it("maps sync and async values and keeps their order", async () => {
      const again = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [3, 1, 2])
          .map(async (n) => {
            await new Promise((resolve) => setTimeout(resolve, n));
            return n * 10;
          })
          .map((n) => `v${n}`)
          .broadcast();
      });
      await again.bus.broadcast(stopped());
      await vitestWaitFor(() => again.out.length === 3);
      expect(contents(again.out)).toEqual(["v30", "v10", "v20"]);
      await again.bus.cleanup();
    });
  });

  describe("#filter", () => {
    it("continues only where fn is truthy, sync or async", async () => {
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [1, 2, 3, 4, 5, 6])
          .filter((n) => n % 2 === 0)
          .filter(async (n) => n !== 4)
          .map((n) => String(n))
          .broadcast();
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => out.length === 2);
      expect(contents(out)).toEqual(["2", "6"]);
      await bus.cleanup();
    });

    it("narrows with a type guard", async () => {
      const { bus, out } = await harness((agent) => {
        agent
          .on("*")
          .map((m) => m.event)
          .filter((e): e is UserTranscriptionReceived => e instanceof UserTranscriptionReceived)
          .map((e) => e.content.toUpperCase())
          .broadcast();
      });
      await bus.broadcast(stopped());
      await bus.broadcast(say("hi"));
      await bus.cleanup();
      expect(contents(out)).toEqual(["HI"]);
    });
  });

  describe("#stream", () => {
    const cases: [string, () => unknown, unknown[]][] = [
      [
        "an async iterable",
        async function* () {
          yield "a";
          yield "b";
        },
        ["a", "b"],
      ],
      ["an iterable", () => new Set(["a", "b"]), ["a", "b"]],
      ["a promise of an iterable", async () => ["a", "b"], ["a", "b"]],
      ["a promise of a value", async () => "ab", ["ab"]],
      ["a plain value", () => new AgentResponse({ content: "x" }), ["x"]],
      ["a string, as one item", () => "hello", ["hello"]],
    ];
    it.each(cases)("streams %s", async (_name, fn, expected) => {
      const got: unknown[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(fn)
          .map((v) => got.push(v instanceof AgentResponse ? v.content : v));
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => got.length === expected.length);
      await settle();
      expect(got).toEqual(expected);
      await bus.cleanup();
    });

    it("iterates the current value when given no function", async () => {
      const got: unknown[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .map(() => [1, 2, 3])
          .stream()
          .map((n) => got.push(n));
        agent
          .on(UserTranscriptionReceived)
          .map((m) => m.event.content)
          .stream()
          .map((s) => got.push(s));
      });
      await bus.broadcast(stopped());
      await bus.broadcast(say("word"));
      await bus.cleanup();
      expect(got).toEqual([1, 2, 3, "word"]);
    });

    it("sends each item through the rest of the route as soon as it is yielded", async () => {
      const firstOut = deferred();
      const gate = deferred();
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(async function* () {
            yield "first";
            await gate.promise; // the test opens this only once "first" has been broadcast
            yield "second";
          })
          .broadcast()
          .map((chunk) => {
            if (chunk === "first") firstOut.resolve();
          });
      });
      await bus.broadcast(stopped());
      await firstOut.promise;
      expect(contents(out)).toEqual(["first"]);
      gate.resolve();
      await vitestWaitFor(() => out.length === 2);
      await bus.cleanup();
    });

    it("pulls the next item only after the previous one went through an async map", async () => {
      const log: string[] = [];
      const gates = [deferred(), deferred(), deferred()];
      const entered = [deferred(), deferred(), deferred()];
      const done = deferred();
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(async function* () {
            for (let i = 0; i < 3; i++) {
              log.push(`pull-${i}`);
              yield i;
            }
          })
          .map(async (i) => {
            entered[i]!.resolve();
            await gates[i]!.promise;
            log.push(`mapped-${i}`);
            return i;
          })
          .map((i) => i === 2 && done.resolve());
      });
      await bus.broadcast(stopped());
      await entered[0]!.promise;
      await settle();
      expect(log).toEqual(["pull-0"]);
      gates[0]!.resolve();
      await entered[1]!.promise;
      await settle();
      expect(log).toEqual(["pull-0", "mapped-0", "pull-1"]);
      gates[1]!.resolve();
      gates[2]!.resolve();
      await done.promise;
      expect(log).toEqual(["pull-0", "mapped-0", "pull-1", "mapped-1", "pull-2", "mapped-2"]);
      await bus.cleanup();
    });

    it("reports a generator that throws, after the items it yielded", async () => {
      const { bus, out, errors } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(async function* () {
            yield "ok";
            throw new Error("llm down");
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => errors().length === 1);
      expect(contents(out)).toEqual(["ok"]);
      await bus.cleanup();
    });
  });

  describe("#pipe", () => {
    it("applies RxJS operators and flushes them when the execution ends", async () => {
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [1, 2, 3, 4, 5])
          .pipe(
            rxFilter((n) => n !== 4),
            rxMap((n) => String(n)),
            bufferCount(2),
          )
          .map((chunk) => chunk.join("+"))
          .broadcast();
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => out.length === 2);
      expect(contents(out)).toEqual(["1+2", "3+5"]);
      await bus.cleanup();
    });

    it("drops what the operators hold on interrupt and unsubscribes them", async () => {
      const parked = deferred();
      const handled = deferred();
      const finalized = deferred();
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => handled.resolve())
          .stream(async function* (_m, ctx) {
            yield "held";
            parked.resolve();
            await new Promise((_r, reject) =>
              ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
            );
          })
          .pipe(
            bufferCount(2),
            finalize(() => finalized.resolve()),
          )
          .map((chunk) => chunk.join(""))
          .broadcast();
      });
      await bus.broadcast(stopped());
      await parked.promise;
      await bus.broadcast(started());
      await finalized.promise;
      await handled.promise;
      await settle();
      expect(out).toEqual([]);
      await bus.cleanup();
    });

    it("drops a delayed value when the execution is cancelled", async () => {
      const first = deferred();
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(() => ["now", "later"])
          .pipe(rxMap((s) => s))
          .pipe(delay(5))
          .map((s) => {
            if (s === "now") first.resolve();
            return s;
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await first.promise;
      await bus.broadcast(started());
      await new Promise((resolve) => setTimeout(resolve, 20)); // longer than the operator's own delay
      expect(contents(out)).toEqual(["now"]);
      await bus.cleanup();
    });

    it("reports a step after pipe() that throws, without an uncaught exception", async () => {
      const { bus, errors } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [1, 2])
          .pipe(rxMap((n) => n))
          .map(() => {
            throw new Error("after pipe");
          });
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => errors().length > 0);
      await settle();
      await settle();
      expect(errors()).toHaveLength(1);
      await bus.cleanup();
    });

    it("reports an async step after a timed operator that rejects", async () => {
      const { bus, errors } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [1])
          .pipe(delay(1))
          .map(async () => {
            throw new Error("async after pipe");
          });
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => errors().length > 0);
      await settle();
      expect(errors()).toHaveLength(1);
      await bus.cleanup();
    });

    it("reports an operator error", async () => {
      const { bus, errors } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [1])
          .pipe(
            rxMap(() => {
              throw new Error("operator");
            }),
          );
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => errors().length > 0);
      expect((errors()[0]!.fields["err"] as Error).message).toBe("operator");
      await bus.cleanup();
    });
  });

  describe("#broadcast", () => {
    it("forwards events, turns strings into AgentResponse and forwards a Message's event", async () => {
      const handoff = new AgentHandoff({ targetAgent: "billing" });
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => [
            "text",
            handoff,
            new Message({ source: "elsewhere", event: new Authorize({ agent: "x" }) }),
          ])
          .broadcast();
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => out.length === 3);
      await bus.cleanup();
      expect(out.map((m) => m.event.constructor)).toEqual([AgentResponse, AgentHandoff, Authorize]);
      expect(out[1]!.event).toBe(handoff);
      expect(out.every((m) => m.source === "agent")).toBe(true);
      expect(new Set(out.map((m) => m.generationId)).size).toBe(1);
      expect(out[0]!.generationId).toEqual(expect.any(String));
    });

    it("publishes new EventClass(value) when given a class", async () => {
      const { bus, out } = await harness((agent) => {
        agent
          .on(UserTranscriptionReceived)
          .map((m) => ({ content: `echo ${m.event.content}`, chunkType: "ssml" }))
          .broadcast(AgentResponse);
      });
      await bus.broadcast(say("hi"));
      await bus.cleanup();
      expect(out[0]!.event).toBeInstanceOf(AgentResponse);
      expect(out[0]!.event).toMatchObject({ content: "echo hi", chunkType: "ssml" });
    });

    it("passes the value on after broadcasting it", async () => {
      const after: string[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .stream(() => ["a", "b"])
          .broadcast()
          .map((s) => after.push(s));
      });
      await bus.broadcast(stopped());
      await vitestWaitFor(() => after.length === 2);
      await bus.cleanup();
      expect(after).toEqual(["a", "b"]);
    });

    it("reports a non-event value at runtime", async () => {
      const { bus, out, errors } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .map(() => 42 as unknown as object)
          .broadcast();
      });
      await bus.broadcast(stopped());
      await bus.cleanup();
      expect(out).toEqual([]);
      expect(errors()).toHaveLength(1);
      expect(errors()[0]!.fields["err"]).toMatchObject({ code: "NOT_AN_EVENT" });
    });
  });

  describe("#interruptOn", () => {
    it("has Line's snake_case aliases", async () => {
      const calls: string[] = [];
      const parked = deferred();
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interrupt_on(UserStartedSpeaking, () => calls.push("interrupt"))
          .suspend_on(AgentHandoff, () => calls.push("suspend"))
          .resume_on(Authorize, () => calls.push("resume"))
          .map(async (_m, ctx) => {
            parked.resolve();
            await new Promise((_r, reject) =>
              ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
            );
          });
      });
      await bus.broadcast(stopped());
      await parked.promise;
      await bus.broadcast(started());
      await vitestWaitFor(() => calls.length === 1);
      await bus.broadcast(
        new Message({ source: "system", event: new AgentHandoff({ targetAgent: "b" }) }),
      );
      await vitestWaitFor(() => calls.length === 2);
      await bus.broadcast(
        new Message({ source: "system", event: new Authorize({ agent: "agent" }) }),
      );
      await vitestWaitFor(() => calls.length === 3);
      expect(calls).toEqual(["interrupt", "suspend", "resume"]);
      await bus.cleanup();
    });

    it("throws when the same interrupt event is registered twice on a route", () => {
      const bridge = new Bridge("agent");
      const route = bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking);
      expect(() => route.interruptOn(UserStartedSpeaking)).toThrow(/already registered/);
      expect(() => route.interrupt_on(UserStartedSpeaking)).toThrow(/already registered/);
      const globbed = bridge.on(UserStoppedSpeaking).interruptOn("user.started_*");
      expect(() => globbed.interruptOn("user.started_*")).toThrow(/already registered/);
    });

    it("interrupts on an alias and honours a filter on the control message", async () => {
      const handled: string[] = [];
      const parked = deferred();
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn<DTMFInputEvent>("dtmf.*", {
            filter: (m) => m.event instanceof DTMFInputEvent && m.event.button === "#",
            handler: (m) => handled.push(m.event.button),
          })
          .map(async (_m, ctx) => {
            parked.resolve();
            await new Promise((_r, reject) =>
              ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
            );
          });
      });
      await bus.broadcast(stopped());
      await parked.promise;
      await bus.broadcast(
        new Message({ source: "user", event: new DTMFInputEvent({ button: "1" }) }),
      );
      await settle();
      expect(bus.stats().active).toBe(1);
      await bus.broadcast(
        new Message({ source: "user", event: new DTMFInputEvent({ button: "#" }) }),
      );
      await vitestWaitFor(() => handled.length === 1);
      expect(handled).toEqual(["#"]);
      await bus.cleanup();
    });
  });

  describe("#suspendOn / #resumeOn", () => {
    it("cancels running executions, ignores triggers until resumed, runs the handlers", async () => {
      const order: string[] = [];
      const parked = deferred();
      let runs = 0;
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .suspendOn(AgentHandoff, () => order.push("suspended"))
          .resumeOn(Authorize, () => order.push("resumed"))
          .stream(async function* (_m, ctx) {
            runs++;
            order.push(`run-${runs}`);
            try {
              parked.resolve();
              await new Promise((_r, reject) =>
                ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
              );
              yield "never";
            } finally {
              order.push(`closed-${runs}`);
            }
          });
      });
      await bus.broadcast(stopped());
      await parked.promise;
      await bus.broadcast(
        new Message({ source: "system", event: new AgentHandoff({ targetAgent: "b" }) }),
      );
      await vitestWaitFor(() => order.includes("suspended"));
      await bus.broadcast(stopped()); // ignored while suspended
      await settle();
      expect(runs).toBe(1);
      await bus.broadcast(
        new Message({ source: "system", event: new Authorize({ agent: "agent" }) }),
      );
      await bus.broadcast(stopped());
      await vitestWaitFor(() => runs === 2);
      expect(order).toEqual(["run-1", "closed-1", "suspended", "resumed", "run-2"]);
      await bus.cleanup();
    });

    it("runs the suspend handler even when nothing was running", async () => {
      const order: string[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .suspendOn(AgentHandoff, () => order.push("suspended"))
          .map(() => order.push("run"));
      });
      await bus.broadcast(
        new Message({ source: "system", event: new AgentHandoff({ targetAgent: "b" }) }),
      );
      await vitestWaitFor(() => order.length === 1);
      await bus.broadcast(stopped());
      await settle();
      expect(order).toEqual(["suspended"]);
      await bus.cleanup();
    });
  });

  describe("#on", () => {
    it("chains another route on the same bridge", async () => {
      const got: string[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserTranscriptionReceived)
          .map((m) => got.push(`t:${m.event.content}`))
          .on(UserStoppedSpeaking)
          .map(() => got.push("stopped"));
      });
      await bus.broadcast(say("a"));
      await bus.broadcast(stopped());
      await bus.cleanup();
      expect(got).toEqual(["t:a", "stopped"]);
    });
  });

  describe("as an immutable value", () => {
    it("returns a new builder from every method", () => {
      const bridge = new Bridge("agent");
      const route = bridge.on(UserStoppedSpeaking);
      const switched = route.concurrency("switch");
      const mapped = switched.map(() => "x");
      const sent = mapped.broadcast();
      expect(new Set([route, switched, mapped, sent]).size).toBe(4);
    });

    it("fails at once with ROUTE_CONFIG when a builder that was continued is continued again", () => {
      const bridge = new Bridge("agent");
      const route = bridge.on(UserStoppedSpeaking);
      route.map(() => "a");
      const branch = () => route.map(() => "b");
      expect(branch).toThrow(SwitchboardError);
      expect(branch).toThrow(/already continued.*bridge\.on\(UserStoppedSpeaking\)/);
      try {
        branch();
      } catch (error) {
        expect((error as SwitchboardError).code).toBe("ROUTE_CONFIG");
      }
      // Settings branch the same way.
      const settings = bridge.on(UserTranscriptionReceived);
      settings.interruptOn(UserStartedSpeaking);
      expect(() => settings.concurrency("switch")).toThrow(/already continued/);
    });

    it("leaves the route as the first chain built it when a branch is refused", async () => {
      const got: string[] = [];
      const { bus } = await harness((agent) => {
        const route = agent.on(UserTranscriptionReceived);
        route.map((m) => got.push(`first:${m.event.content}`));
        expect(() => route.map((m) => got.push(`second:${m.event.content}`))).toThrow();
      });
      await bus.broadcast(say("a"));
      await bus.cleanup();
      expect(got).toEqual(["first:a"]);
    });

    it("branches with two routes on the same trigger, each with its own chain", async () => {
      const got: string[] = [];
      const { bus } = await harness((agent) => {
        agent.on(UserTranscriptionReceived).map((m) => got.push(`a:${m.event.content}`));
        agent.on(UserTranscriptionReceived).map((m) => got.push(`b:${m.event.content.length}`));
      });
      await bus.broadcast(say("hey"));
      await bus.cleanup();
      expect(got).toEqual(["a:hey", "b:3"]);
    });

    it("lets .on() start another route from any builder without continuing it", () => {
      const bridge = new Bridge("agent");
      const route = bridge.on(UserTranscriptionReceived).map(() => 1);
      route.on(UserStoppedSpeaking).map(() => 2);
      expect(() => route.map(() => 3)).not.toThrow();
    });

    it("rejects an unknown concurrency mode from untyped code", () => {
      const bridge = new Bridge("agent");
      expect(() => bridge.on(UserStoppedSpeaking).concurrency("parallel" as never)).toThrow(
        /concurrency\(\) takes "merge"/,
      );
    });
  });
});

/** Polls a condition on each turn of the event loop (never a fixed sleep); fails after 2 s. */
async function vitestWaitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await settle();
  }
}
