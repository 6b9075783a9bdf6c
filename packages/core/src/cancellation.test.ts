import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import {
  AgentResponse,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import { deferred, type Deferred } from "./internal/test-deferred.js";
import { SpyLogger } from "./internal/test-spy-logger.js";
import { Message } from "./message.js";

const stopped = () => new Message({ source: "user", event: new UserStoppedSpeaking() });
const started = () => new Message({ source: "user", event: new UserStartedSpeaking() });
const dtmf = (button: string) =>
  new Message({ source: "user", event: new DTMFInputEvent({ button }) });

/** Lets every pending reaction and I/O callback run; used only to show that something did NOT happen. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Waits until the resolved value of `d` is available. */
const reached = (d: Deferred<void>) => d.promise;

/** A bus with an "agent" bridge (configured by `setup`) and a "user" bridge that records every AgentResponse. */
async function harness(
  setup: (agent: Bridge, bus: Bus) => void,
  options: { maxQueueSize?: number } = {},
) {
  const logger = new SpyLogger();
  const bus = new Bus({ logger, ...options });
  const agent = new Bridge("agent");
  setup(agent, bus);
  const heard: string[] = [];
  const heardMessages: Message<AgentResponse>[] = [];
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => {
    heard.push(m.event.content);
    heardMessages.push(m);
  });
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  return { bus, heard, heardMessages, logger };
}

describe("cancellation", () => {
  describe("1. nothing from a cancelled execution reaches a bridge after the interrupt", () => {
    it("drops a chunk yielded after the interrupt by a generator that ignores its signal", async () => {
      const firstHeard = deferred();
      const gate = deferred();
      const closed = deferred();
      const { bus, heard } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(async function* () {
            try {
              yield "a";
              await gate.promise; // ignores the signal
              yield "stale";
              yield "never";
            } finally {
              closed.resolve();
            }
          })
          .map((chunk) => {
            if (chunk === "a") firstHeard.resolve();
            return chunk;
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(firstHeard);
      await bus.broadcast(started());
      gate.resolve();
      await closed.promise;
      await bus.cleanup();
      expect(heard).toEqual(["a"]);
    });

    it("runs the handler at once for an iterator whose next() never settles (not an async generator)", async () => {
      const handled = deferred();
      const pulled = deferred();
      const { bus, heard, logger } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => handled.resolve())
          .stream((): AsyncIterable<string> => ({
            [Symbol.asyncIterator]() {
              let sent = false;
              return {
                next(): Promise<IteratorResult<string>> {
                  if (sent) {
                    pulled.resolve();
                    return new Promise(() => undefined); // a stuck source
                  }
                  sent = true;
                  return Promise.resolve({ value: "a", done: false });
                },
                // Closing does not wait for the stuck next(): a race is what lets the route go.
                return: () => Promise.resolve({ value: undefined, done: true as const }),
              };
            },
          }))
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(pulled);
      await bus.broadcast(started());
      await reached(handled);
      // Not after the teardown deadline, as a route stuck on next() would be: nothing abandoned.
      expect(logger.lines.filter((line) => line.level === "warn")).toEqual([]);
      await bus.cleanup();
      expect(heard).toEqual(["a"]);
    });

    it("does not report what a cancelled generator throws on its way out", async () => {
      const firstHeard = deferred();
      const { bus, heard } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(async function* (_message, ctx) {
            yield "a";
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            throw new Error("cleanup failed after the interrupt");
          })
          .map((chunk) => {
            firstHeard.resolve();
            return chunk;
          })
          .broadcast();
      });
      const failures: unknown[] = [];
      bus.errors$.subscribe((failure) => failures.push(failure.error));
      await bus.broadcast(stopped());
      await reached(firstHeard);
      await bus.broadcast(started());
      await bus.cleanup();
      expect(heard).toEqual(["a"]);
      expect(failures).toEqual([]);
    });

    it("drops a chunk that is inside a later async map step when the interrupt arrives", async () => {
      const inMap = deferred();
      const mapGate = deferred();
      const mapDone = deferred();
      const { bus, heard } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(() => ["a", "b"])
          .map(async (chunk) => {
            if (chunk === "b") {
              inMap.resolve();
              await mapGate.promise;
              mapDone.resolve();
            }
            return chunk;
          })
          .map((chunk) => chunk.toUpperCase())
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(inMap);
      await bus.broadcast(started());
      mapGate.resolve();
      await mapDone.promise;
      await settle();
      await bus.cleanup();
      expect(heard).toEqual(["A"]);
    });

    it("drops a chunk that was queued on the bus when the interrupt was broadcast", async () => {
      const seen: string[] = [];
      const bus = new Bus();
      const agent = new Bridge("agent");
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .stream(function* () {
          yield "queued-then-stale";
          yield "never";
        })
        .broadcast();
      // Registered after the agent: while UserStoppedSpeaking is being delivered, the agent's first
      // chunk is already queued behind it when this bridge interrupts.
      const vad = new Bridge("vad");
      vad.on(UserStoppedSpeaking).map(() => void bus.broadcast(started()));
      const user = new Bridge("user");
      user.on(AgentResponse).map((m) => seen.push(m.event.content));
      bus.registerBridge("agent", agent).registerBridge("vad", vad).registerBridge("user", user);
      const onBus: string[] = [];
      bus.messages$.subscribe((m) => onBus.push(m.event.constructor.name));
      await bus.start();
      await bus.broadcast(stopped());
      await bus.cleanup();
      expect(seen).toEqual([]);
      expect(onBus).toEqual(["UserStoppedSpeaking", "UserStartedSpeaking"]);
    });

    it("stops a chunk at the bridge after the one that broadcast the interrupt during its delivery", async () => {
      const bus = new Bus();
      const agent = new Bridge("agent");
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .stream(async function* () {
          yield "a";
          yield "b";
        })
        .broadcast();
      const barge = new Bridge("barge-in");
      const bargeSaw: string[] = [];
      barge.on(AgentResponse).map((m) => {
        bargeSaw.push(m.event.content);
        void bus.broadcast(started());
      });
      const seen: string[] = [];
      const user = new Bridge("user");
      user.on(AgentResponse).map((m) => seen.push(m.event.content));
      bus
        .registerBridge("agent", agent)
        .registerBridge("barge-in", barge)
        .registerBridge("user", user);
      await bus.start();
      await bus.broadcast(stopped());
      await settle();
      await bus.cleanup();
      expect(bargeSaw).toEqual(["a"]);
      expect(seen).toEqual([]);
    });
  });

  describe("2. the signal aborts and the generator is closed", () => {
    it("aborts ctx.signal and runs the generator's finally at its next yield", async () => {
      const parked = deferred();
      const gate = deferred();
      const closed = deferred<string[]>();
      let signal: AbortSignal | undefined;
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(async function* (_m, ctx) {
            signal = ctx.signal;
            const log: string[] = [];
            try {
              yield "a";
              parked.resolve();
              await gate.promise;
              log.push("resumed");
              yield "b";
              log.push("after-b");
            } finally {
              log.push("finally");
              closed.resolve(log);
            }
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      await bus.broadcast(started());
      expect(signal?.aborted).toBe(true);
      gate.resolve();
      expect(await closed.promise).toEqual(["resumed", "finally"]);
      await bus.cleanup();
    });

    it("tears down at once a producer parked on a signal-aware await", async () => {
      const parked = deferred();
      const closed = deferred();
      const handled = deferred();
      const order: string[] = [];
      const { bus, logger } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => {
            order.push("handler");
            handled.resolve();
          })
          .stream(async function* (_m, ctx) {
            try {
              yield "a";
              await new Promise((_resolve, reject) => {
                ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error), {
                  once: true,
                });
                parked.resolve();
              });
              yield "never";
            } finally {
              order.push("finally");
              closed.resolve();
            }
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      await bus.broadcast(started());
      // No gate for the test to open: the generator's finally and the handler happen on their own.
      await closed.promise;
      await handled.promise;
      expect(order).toEqual(["finally", "handler"]);
      expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0 });
      expect(logger.loud).toEqual([]);
      await bus.cleanup();
    });

    it("aborts the signal of a map step awaiting a signal-aware promise", async () => {
      const parked = deferred();
      const handled = deferred();
      let reason: unknown;
      const { bus, heard } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => handled.resolve())
          .map(
            (_m, ctx) =>
              new Promise<string>((_resolve, reject) => {
                ctx.signal.addEventListener("abort", () => {
                  reason = ctx.signal.reason;
                  reject(ctx.signal.reason as Error);
                });
                parked.resolve();
              }),
          )
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      await bus.broadcast(started());
      await handled.promise;
      expect((reason as Error).name).toBe("AbortError");
      expect(heard).toEqual([]);
      await bus.cleanup();
    });
    it("aborts an HTTP request made with ctx.signal: the server sees the connection close", async () => {
      const serverClosed = deferred();
      const firstChunk = deferred();
      const handled = deferred();
      const server = createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("hello ");
        res.on("close", () => serverClosed.resolve()); // the client went away; the stream never ends
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const { bus, heard } = await harness((agent) => {
          agent
            .on(UserStoppedSpeaking)
            .interruptOn(UserStartedSpeaking, () => handled.resolve())
            .stream(async function* (_m, ctx) {
              const res = await fetch(`http://127.0.0.1:${port}/`, { signal: ctx.signal });
              const decoder = new TextDecoder();
              for await (const bytes of res.body!) yield decoder.decode(bytes as Uint8Array);
            })
            .map((chunk) => {
              firstChunk.resolve();
              return chunk;
            })
            .broadcast();
        });
        await bus.broadcast(stopped());
        await firstChunk.promise;
        await bus.broadcast(started());
        await serverClosed.promise;
        await handled.promise;
        expect(heard).toEqual(["hello "]);
        await bus.cleanup();
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe("3. the handler runs after every cancelled execution has torn down", () => {
    it("waits for a finally that awaits something the test controls", async () => {
      const parked = deferred();
      const inFinally = deferred();
      const finallyGate = deferred();
      const handled = deferred<Message>();
      const order: string[] = [];
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, (m) => {
            order.push("handler");
            handled.resolve(m);
          })
          .stream(async function* (_m, ctx) {
            try {
              yield "a";
              parked.resolve();
              await new Promise((_r, reject) =>
                ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
              );
            } finally {
              inFinally.resolve();
              await finallyGate.promise;
              order.push("finally-done");
            }
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      const interrupt = started();
      await bus.broadcast(interrupt);
      await inFinally.promise;
      await settle();
      expect(order).toEqual([]);
      expect(bus.stats().tearingDown).toBe(1);
      finallyGate.resolve();
      expect(await handled.promise).toBe(interrupt);
      expect(order).toEqual(["finally-done", "handler"]);
      await bus.cleanup();
    });

    it("waits for every cancelled execution of the route (merge)", async () => {
      const gates = [deferred(), deferred()];
      const parked = [deferred(), deferred()];
      const handled = deferred();
      const order: string[] = [];
      let n = 0;
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => {
            order.push("handler");
            handled.resolve();
          })
          .stream(async function* () {
            const i = n++;
            try {
              parked[i]!.resolve();
              yield `x${i}`;
            } finally {
              await gates[i]!.promise;
              order.push(`closed-${i}`);
            }
          })
          .map(async (x) => {
            await new Promise(() => {}); // parks every chunk downstream
            return x;
          });
      });
      await bus.broadcast(stopped());
      await bus.broadcast(stopped());
      await Promise.all(parked.map(reached));
      expect(bus.stats().active).toBe(2);
      await bus.broadcast(started());
      gates[1]!.resolve();
      await settle();
      expect(order).toEqual(["closed-1"]);
      gates[0]!.resolve();
      await handled.promise;
      expect(order).toEqual(["closed-1", "closed-0", "handler"]);
      await bus.cleanup();
    });

    it("does not run the handler when nothing was cancelled", async () => {
      let handled = 0;
      const done = deferred();
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => handled++)
          .map(() => done.resolve());
      });
      await bus.broadcast(started());
      await bus.broadcast(stopped());
      await done.promise;
      await settle();
      await bus.broadcast(started());
      await settle();
      expect(handled).toBe(0);
      await bus.cleanup();
    });
    it("reports a handler that throws and still releases the triggers held behind it", async () => {
      const parked = deferred();
      const secondRun = deferred();
      let runs = 0;
      const { bus, logger } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => {
            throw new Error("handler kaput");
          })
          .map(async (_m, ctx) => {
            if (++runs === 2) secondRun.resolve();
            parked.resolve();
            await new Promise((_r, reject) =>
              ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
            );
          });
      });
      await bus.broadcast(stopped());
      await parked.promise;
      await bus.broadcast(started());
      await bus.broadcast(stopped());
      await secondRun.promise;
      const errors = logger.lines.filter((l) => l.level === "error");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.fields).toMatchObject({ bridge: "agent", event: "user.started_speaking" });
      await bus.cleanup();
    });
  });

  describe("4. triggers during teardown wait for the handler", () => {
    it("starts a trigger that arrived during teardown only after the handler", async () => {
      const parked = deferred();
      const finallyGate = deferred();
      const secondStarted = deferred();
      const order: string[] = [];
      let n = 0;
      const { bus } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => order.push("handler"))
          .stream(async function* (_m, ctx) {
            const i = n++;
            order.push(`start-${i}`);
            if (i === 1) secondStarted.resolve();
            try {
              parked.resolve();
              yield `x${i}`;
              await new Promise((_r, reject) =>
                ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
              );
            } finally {
              if (i === 0) await finallyGate.promise;
              order.push(`closed-${i}`);
            }
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      await bus.broadcast(started());
      await bus.broadcast(stopped());
      await settle();
      expect(order).toEqual(["start-0"]);
      expect(bus.stats()).toMatchObject({ waiting: 1, tearingDown: 1 });
      finallyGate.resolve();
      await secondStarted.promise;
      expect(order).toEqual(["start-0", "closed-0", "handler", "start-1"]);
      await bus.cleanup();
    });

    it("lets a later interrupt cancel a trigger held during teardown", async () => {
      const parked = deferred();
      const finallyGate = deferred();
      const handlers = [deferred(), deferred()];
      const order: string[] = [];
      let n = 0;
      let h = 0;
      const { bus, heard } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, () => {
            order.push(`handler-${h}`);
            handlers[h++]!.resolve();
          })
          .stream(async function* () {
            const i = n++;
            order.push(`start-${i}`);
            try {
              parked.resolve();
              yield `x${i}`;
              await finallyGate.promise;
            } finally {
              order.push(`closed-${i}`);
            }
          })
          .broadcast();
      });
      await bus.broadcast(stopped());
      await reached(parked);
      await bus.broadcast(started());
      await bus.broadcast(stopped()); // held behind the teardown
      await bus.broadcast(started()); // cancels the held trigger too
      finallyGate.resolve();
      await handlers[1]!.promise;
      await settle();
      expect(order).toEqual(["start-0", "closed-0", "handler-0", "handler-1"]);
      expect(n).toBe(1);
      expect(heard).not.toContain("x1");
      expect(bus.stats()).toMatchObject({ active: 0, waiting: 0, tearingDown: 0 });
      await bus.cleanup();
    });

    it("never starts a trigger broadcast before the interrupt but not yet delivered", async () => {
      let runs = 0;
      const bus = new Bus();
      const relay = new Bridge("relay");
      relay.on(DTMFInputEvent).map(() => {
        void bus.broadcast(stopped()); // queued behind the DTMF message
        void bus.broadcast(started()); // acts at once: fences off the queued trigger
      });
      const agent = new Bridge("agent");
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .map(() => runs++);
      bus.registerBridge("relay", relay).registerBridge("agent", agent);
      await bus.start();
      await bus.broadcast(dtmf("1"));
      await bus.broadcast(stopped());
      await bus.cleanup();
      expect(runs).toBe(1);
    });
  });

  describe("control events act at once", () => {
    it.each([{ maxQueueSize: undefined }, { maxQueueSize: 4 }])(
      "aborts the execution before data chunks queued ahead of the interrupt are delivered (%o)",
      async ({ maxQueueSize }) => {
        const parked = deferred();
        let agentSignal: AbortSignal | undefined;
        const bus = new Bus(maxQueueSize === undefined ? {} : { maxQueueSize });
        const agent = new Bridge("agent");
        agent
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking)
          .stream(async function* (_m, ctx) {
            agentSignal = ctx.signal;
            parked.resolve();
            await new Promise((_r, reject) =>
              ctx.signal.addEventListener("abort", () => reject(new Error("x"))),
            );
            yield "never";
          });
        const chatter = new Bridge("chatter");
        chatter.on(DTMFInputEvent).map(() => {
          for (let i = 0; i < 50; i++)
            void bus.broadcast(
              new Message({ source: "chatter", event: new AgentResponse({ content: `c${i}` }) }),
            );
          void bus.broadcast(started());
        });
        const abortedAtDelivery: boolean[] = [];
        const watcher = new Bridge("watcher");
        watcher.on(AgentResponse).map(() => abortedAtDelivery.push(agentSignal?.aborted ?? false));
        bus
          .registerBridge("agent", agent)
          .registerBridge("chatter", chatter)
          .registerBridge("watcher", watcher);
        await bus.start();
        await bus.broadcast(stopped());
        await parked.promise;
        await bus.broadcast(dtmf("1"));
        await bus.cleanup();
        expect(abortedAtDelivery).toHaveLength(50);
        expect(abortedAtDelivery.every(Boolean)).toBe(true);
      },
    );
  });

  describe("generationId", () => {
    it("is on ctx in every step and on every message an execution broadcasts", async () => {
      const ids: string[][] = [];
      const { bus, heardMessages } = await harness((agent) => {
        agent
          .on(UserStoppedSpeaking)
          .map((m, ctx) => {
            expect(ctx.message).toBe(m);
            expect(ctx.signal).toBeInstanceOf(AbortSignal);
            ids.push([ctx.generationId]);
            return m;
          })
          .filter((_m, ctx) => ids.at(-1)!.push(ctx.generationId) > 0)
          .stream((_m, ctx) => {
            ids.at(-1)!.push(ctx.generationId);
            return ["a", "b"];
          })
          .pipe()
          .map(async (chunk, ctx) => {
            ids.at(-1)!.push(ctx.generationId);
            return chunk;
          })
          .broadcast()
          .map((_c, ctx) => ids.at(-1)!.push(ctx.generationId));
      });
      await bus.broadcast(stopped());
      await settle();
      await bus.broadcast(stopped());
      await settle();
      await bus.cleanup();
      expect(ids).toHaveLength(2);
      const [first, second] = ids.map((run) => new Set(run));
      expect(first!.size).toBe(1);
      expect(second!.size).toBe(1);
      const [g1] = first!;
      const [g2] = second!;
      expect(g1).not.toBe(g2);
      expect(heardMessages.map((m) => m.generationId)).toEqual([g1, g1, g2, g2]);
      expect(heardMessages.every((m) => m.source === "agent")).toBe(true);
    });
  });

  it("keeps UserTranscriptionReceived routes unaffected by another route's interrupt", async () => {
    const got: string[] = [];
    const { bus } = await harness((agent) => {
      agent.on(UserTranscriptionReceived).map((m) => got.push(m.event.content));
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .map(() => undefined);
    });
    await bus.broadcast(
      new Message({ source: "user", event: new UserTranscriptionReceived({ content: "hi" }) }),
    );
    await bus.broadcast(started());
    await bus.cleanup();
    expect(got).toEqual(["hi"]);
  });
});
