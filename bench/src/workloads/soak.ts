import { EventEmitter, getEventListeners } from "node:events";
import { setImmediate as nextTurn } from "node:timers/promises";
import {
  AgentResponse,
  Bridge,
  Message,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  isAbortError,
  type RouteContext,
} from "@switchboard/core";
import { deferred, withTimeout, type Deferred } from "../lib/async.js";
import { benchBus, leftovers } from "../lib/bus.js";
import type { RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { settledHeap } from "../lib/stats.js";

const MiB = 2 ** 20;

/** A generator that yields a chunk per event-loop turn and honours `signal`, like a fast LLM stream. */
async function* chunks(signal: AbortSignal, onFinally: () => void): AsyncGenerator<AgentResponse> {
  try {
    for (;;) {
      yield new AgentResponse({ content: "tok " });
      await nextTurn(undefined, { signal });
    }
  } finally {
    onFinally();
  }
}

interface Cycle {
  /** Abort listeners still on the generation's signal after it tore down. */
  listenersLeft: number;
  /** Executions, teardowns, held triggers and queued messages after the cycle. */
  leftovers: number;
}

interface Harness {
  cycle(i: number): Promise<Cycle>;
  stale(): number;
  close(): Promise<{ errors: number; leftovers: number }>;
}

/** Interrupt after three chunks: even cycles from a new turn (generator parked), odd ones mid-delivery. */
function scheduleFor(i: number): (fire: () => void) => void {
  return i % 2 === 0 ? (fire) => setImmediate(fire) : (fire) => queueMicrotask(fire);
}

async function framework(): Promise<Harness> {
  const { bus, errors } = benchBus();
  let current:
    | {
        id: string;
        fenced: boolean;
        signal: AbortSignal;
        done: Deferred<void>;
        handled: Deferred<void>;
      }
    | undefined;
  let stale = 0;
  let schedule: (fire: () => void) => void = (fire) => fire();
  const agent = new Bridge("agent");
  agent
    .on(UserStoppedSpeaking)
    .interruptOn(UserStartedSpeaking, () => current?.handled.resolve())
    .stream((_message, ctx: RouteContext) => {
      const turn = {
        id: ctx.generationId,
        fenced: false,
        signal: ctx.signal,
        done: deferred(),
        handled: deferred(),
      };
      current = turn;
      return chunks(ctx.signal, () => turn.done.resolve());
    })
    .broadcast();
  let received = 0;
  const interrupt = () => {
    if (current === undefined) return;
    current.fenced = true;
    void bus.broadcast(new Message({ source: "user", event: new UserStartedSpeaking() }));
  };
  const consumer = new Bridge("consumer");
  consumer.on(AgentResponse, { source: "agent" }).map((message) => {
    if (current === undefined || message.generationId !== current.id || current.fenced) {
      stale += 1;
      return;
    }
    if (++received === 3) schedule(interrupt);
  });
  bus.registerBridge("agent", agent).registerBridge("consumer", consumer);
  await bus.start();
  return {
    async cycle(i) {
      received = 0;
      schedule = scheduleFor(i);
      await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
      const turn = current!;
      await withTimeout(
        Promise.all([turn.done.promise, turn.handled.promise]),
        5_000,
        "soak cycle",
      );
      // The gate opens a microtask after the handler; let it.
      await Promise.resolve();
      return {
        listenersLeft: getEventListeners(turn.signal, "abort").length,
        leftovers: leftovers(bus.stats()),
      };
    },
    stale: () => stale,
    async close() {
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left };
    },
  };
}

/** The same cycle by hand: EventEmitter, AbortController, `for await`. */
function baseline(): Harness {
  const emitter = new EventEmitter();
  let stale = 0;
  let current: { controller: AbortController; fenced: boolean; done: Promise<void> } | undefined;
  let schedule: (fire: () => void) => void = (fire) => fire();
  emitter.on("stopped", () => {
    const controller = new AbortController();
    const turn = { controller, fenced: false, done: Promise.resolve() };
    current = turn;
    let received = 0;
    turn.done = (async () => {
      try {
        for await (const _chunk of chunks(controller.signal, () => undefined)) {
          if (controller.signal.aborted) break;
          if (turn.fenced) stale += 1;
          else if (++received === 3) schedule(() => emitter.emit("started"));
        }
      } catch (error) {
        if (!isAbortError(error)) throw error;
      }
    })();
  });
  emitter.on("started", () => {
    if (current === undefined) return;
    current.fenced = true;
    current.controller.abort();
  });
  return {
    async cycle(i) {
      schedule = scheduleFor(i);
      emitter.emit("stopped");
      const turn = current!;
      await withTimeout(turn.done, 5_000, "baseline soak cycle");
      return {
        listenersLeft: getEventListeners(turn.controller.signal, "abort").length,
        leftovers: 0,
      };
    },
    stale: () => stale,
    close: () => Promise.resolve({ errors: 0, leftovers: 0 }),
  };
}

async function soakOne(harness: Harness, warmup: number, cycles: number) {
  for (let i = 0; i < warmup; i++) await harness.cycle(i);
  const resourcesBefore = process.getActiveResourcesInfo().length;
  const heapBefore = settledHeap();
  let listenersLeft = 0;
  let leftoverCycles = 0;
  const started = performance.now();
  for (let i = 0; i < cycles; i++) {
    const cycle = await harness.cycle(i);
    listenersLeft += cycle.listenersLeft;
    if (cycle.leftovers !== 0) leftoverCycles += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  const heapAfter = settledHeap();
  const resourcesAfter = process.getActiveResourcesInfo().length;
  const closed = await harness.close();
  return {
    heapGrowthMiB: (heapAfter - heapBefore) / MiB,
    heapAfterMiB: heapAfter / MiB,
    cyclesPerSecond: cycles / seconds,
    listenersLeft,
    leftoverCycles,
    resourceGrowth: Math.max(0, resourcesAfter - resourcesBefore),
    stale: harness.stale(),
    ...closed,
  };
}

export const soak: Workload = {
  name: "soak",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const cycles = quick ? 1_000 : 10_000;
    const warmup = quick ? 200 : 1_000;
    const f = await soakOne(await framework(), warmup, cycles);
    const b = await soakOne(baseline(), warmup, cycles);
    return {
      workload: "soak",
      description: `${cycles} interrupt cycles (3 chunks each) on the interrupt route; heap after forced GC`,
      params: { cycles, warmup },
      metrics: [
        {
          name: "heap growth",
          unit: "MiB",
          value: f.heapGrowthMiB,
          baseline: b.heapGrowthMiB,
          better: "lower",
          target: { op: "<=", value: 1 },
        },
        {
          name: "cycles",
          unit: "cycles/s",
          value: f.cyclesPerSecond,
          baseline: b.cyclesPerSecond,
          better: "higher",
        },
      ],
      invariants: [
        { name: "stale chunks", value: f.stale },
        { name: "route errors", value: f.errors },
        { name: "cycles leaving executions/queued messages", value: f.leftoverCycles },
        { name: "abort listeners left on signals", value: f.listenersLeft },
        { name: "active handles/timers growth", value: f.resourceGrowth },
        { name: "executions left after the run", value: f.leftovers },
      ],
      notes: [
        `heap measured after ${warmup} warm-up cycles and again after ${cycles}, each after three forced GCs; heap after: ${f.heapAfterMiB.toFixed(1)} MiB`,
        "bus.stats() (active, tearingDown, waiting, queued) is checked after every cycle",
      ],
    };
  },
};
