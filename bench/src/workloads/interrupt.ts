import { EventEmitter } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import {
  AgentResponse,
  Bridge,
  Message,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  isAbortError,
  type ConversationalNode,
  type RouteContext,
} from "@switchboard/core";
import { deferred, withTimeout, type Deferred } from "../lib/async.js";
import { benchBus, leftovers } from "../lib/bus.js";
import type { Metric, RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { distribution, ms, now } from "../lib/stats.js";

/** How a generation is paced and when the user cuts in. */
export interface Shape {
  /** Chunks yielded back to back per tick. */
  burst: number;
  tickMs: number;
  /** The consumer has received this many chunks of the generation when the interrupt is scheduled. */
  interruptAfter: () => number;
  /** Schedules the interrupt: after a timer (lands while the generator sleeps) or a microtask (lands mid-burst). */
  schedule: (interrupt: () => void) => void;
}

/** What one cycle measured, in nanoseconds from the moment `broadcast(interrupt)` was called. */
interface Cycle {
  toFinally: number;
  toHandler: number;
  stale: number;
}

/** The generation's bookkeeping, shared by the framework and the baseline. */
class Turn {
  finallyAt = 0;
  handlerAt = 0;
  interruptedAt = 0;
  received = 0;
  readonly handled: Deferred<void> = deferred();
  readonly finished: Deferred<void> = deferred();
  constructor(readonly generationId: string) {}
}

/** Counts chunks delivered to the consumer after the interrupt, by the generation they came from. */
class StaleCounter {
  readonly #fenced = new Set<string>();
  total = 0;
  fence(generationId: string): void {
    this.#fenced.add(generationId);
  }
  /** Returns true when the chunk is stale (its generation was interrupted before it arrived). */
  check(generationId: string | undefined): boolean {
    if (generationId === undefined || !this.#fenced.has(generationId)) return false;
    this.total += 1;
    return true;
  }
}

/** A generator paced by a timer that honours `signal`, as an LLM stream does. */
async function* generate(
  shape: Shape,
  signal: AbortSignal,
  turn: () => Turn | undefined,
): AsyncGenerator<AgentResponse> {
  try {
    for (;;) {
      await sleep(shape.tickMs, undefined, { signal });
      for (let i = 0; i < shape.burst; i++) yield new AgentResponse({ content: "tok " });
    }
  } finally {
    const current = turn();
    if (current !== undefined) {
      current.finallyAt = now();
      current.finished.resolve();
    }
  }
}

interface Harness {
  cycle(): Promise<Cycle>;
  close(): Promise<{ errors: number; leftovers: number; stale: number }>;
}

/** The route from the issue, plus a consumer bridge that counts stale chunks. */
async function framework(shape: Shape): Promise<Harness> {
  const { bus, errors } = benchBus();
  const stale = new StaleCounter();
  const turns = new Map<string, Turn>();
  let current: Turn | undefined;
  let interruptAt = 0;

  const agent = new Bridge("agent");
  agent
    .on(UserStoppedSpeaking)
    .interruptOn(UserStartedSpeaking, () => {
      const turn = current;
      if (turn === undefined) return;
      turn.handlerAt = now();
      turn.handled.resolve();
    })
    .stream((_message, ctx: RouteContext) => {
      const turn = new Turn(ctx.generationId);
      turns.set(ctx.generationId, turn);
      current = turn;
      return generate(shape, ctx.signal, () => turns.get(ctx.generationId));
    })
    .broadcast();

  const interrupt = () => {
    const turn = current;
    if (turn === undefined) return;
    stale.fence(turn.generationId);
    turn.interruptedAt = now();
    void bus.broadcast(new Message({ source: "user", event: new UserStartedSpeaking() }));
  };

  const consumer = new Bridge("consumer");
  consumer.on(AgentResponse, { source: "agent" }).map((message) => {
    if (stale.check(message.generationId)) return;
    const turn = message.generationId === undefined ? undefined : turns.get(message.generationId);
    if (turn === undefined) return;
    turn.received += 1;
    if (turn.received === interruptAt) shape.schedule(interrupt);
  });

  bus.registerBridge("agent", agent).registerBridge("consumer", consumer);
  await bus.start();
  return {
    async cycle() {
      interruptAt = shape.interruptAfter();
      const staleBefore = stale.total;
      current = undefined;
      await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
      const turn = current as Turn | undefined;
      if (turn === undefined) throw new Error("interrupt: the generation did not start");
      await withTimeout(
        Promise.all([turn.handled.promise, turn.finished.promise]),
        5_000,
        "interrupt cycle",
      );
      turns.delete(turn.generationId);
      return {
        toFinally: turn.finallyAt - turn.interruptedAt,
        toHandler: turn.handlerAt - turn.interruptedAt,
        stale: stale.total - staleBefore,
      };
    },
    async close() {
      // Give anything still in flight a chance to (wrongly) arrive before counting.
      await sleep(shape.tickMs * 3);
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left, stale: stale.total };
    },
  };
}

/**
 * The least code that does the same job by hand: an EventEmitter for the user's events, an
 * AbortController per generation, `for await` into the consumer, and the handler after the loop ends.
 */
function baseline(shape: Shape): Harness {
  const emitter = new EventEmitter();
  const stale = new StaleCounter();
  let current: Turn | undefined;
  let controller: AbortController | undefined;
  let running: Promise<void> = Promise.resolve();
  let interruptAt = 0;
  let generation = 0;

  const consume = (generationId: string) => {
    if (stale.check(generationId)) return;
    const turn = current;
    if (turn === undefined) return;
    turn.received += 1;
    if (turn.received === interruptAt) shape.schedule(() => emitter.emit("started"));
  };

  emitter.on("stopped", () => {
    const turn = new Turn(`baseline-${++generation}`);
    current = turn;
    const ownController = new AbortController();
    controller = ownController;
    running = (async () => {
      try {
        for await (const _chunk of generate(shape, ownController.signal, () => turn)) {
          if (ownController.signal.aborted) break;
          consume(turn.generationId);
        }
      } catch (error) {
        if (!isAbortError(error)) throw error;
      }
    })();
  });
  emitter.on("started", () => {
    const turn = current;
    if (turn === undefined || controller === undefined) return;
    stale.fence(turn.generationId);
    turn.interruptedAt = now();
    controller.abort();
    void running.then(() => {
      turn.handlerAt = now();
      turn.handled.resolve();
    });
  });

  return {
    async cycle() {
      interruptAt = shape.interruptAfter();
      const staleBefore = stale.total;
      emitter.emit("stopped");
      const turn = current!;
      await withTimeout(
        Promise.all([turn.handled.promise, turn.finished.promise]),
        5_000,
        "baseline interrupt cycle",
      );
      return {
        toFinally: turn.finallyAt - turn.interruptedAt,
        toHandler: turn.handlerAt - turn.interruptedAt,
        stale: stale.total - staleBefore,
      };
    },
    async close() {
      await sleep(shape.tickMs * 3);
      return { errors: 0, leftovers: 0, stale: stale.total };
    },
  };
}

async function summarise(harness: Harness, runs: readonly Cycle[]) {
  const closed = await harness.close();
  return {
    toFinally: distribution(runs.map((r) => r.toFinally)),
    toHandler: distribution(runs.map((r) => r.toHandler)),
    staleCycles: runs.filter((r) => r.stale > 0).length,
    ...closed,
  };
}

/**
 * The framework and the baseline side by side: their cycles interleaved, so both meet the same
 * load on a shared machine (the baseline's cycles spread evenly over the framework's).
 */
async function measureSideBySide(
  framework: Harness,
  baseline: Harness,
  cycles: { framework: number; baseline: number; warmup: number },
) {
  for (let i = 0; i < cycles.warmup; i++) {
    await framework.cycle();
    await baseline.cycle();
  }
  const runs = { framework: [] as Cycle[], baseline: [] as Cycle[] };
  for (let i = 0; i < cycles.framework; i++) {
    runs.framework.push(await framework.cycle());
    const due = Math.floor(((i + 1) * cycles.baseline) / cycles.framework);
    while (runs.baseline.length < due) runs.baseline.push(await baseline.cycle());
  }
  return {
    f: await summarise(framework, runs.framework),
    b: await summarise(baseline, runs.baseline),
  };
}

/** Runs one shape against the framework and the baseline; `label` names the variant in the table. */
export async function runShape(
  label: string,
  shape: Shape,
  cycles: { framework: number; baseline: number; warmup: number },
): Promise<Pick<WorkloadResult, "metrics" | "invariants">> {
  const { f, b } = await measureSideBySide(await framework(shape), baseline(shape), cycles);
  const p99 = { op: "<=", value: 0.5 } as const;
  const metrics: Metric[] = [
    {
      name: `${label}interrupt→finally p50`,
      unit: "ms",
      value: ms(f.toFinally.p50),
      baseline: ms(b.toFinally.p50),
      better: "lower",
    },
    {
      name: `${label}interrupt→finally p99`,
      unit: "ms",
      value: ms(f.toFinally.p99),
      baseline: ms(b.toFinally.p99),
      better: "lower",
      target: p99,
    },
    {
      name: `${label}interrupt→finally max`,
      unit: "ms",
      value: ms(f.toFinally.max),
      baseline: ms(b.toFinally.max),
      better: "lower",
    },
    {
      name: `${label}interrupt→handler p50`,
      unit: "ms",
      value: ms(f.toHandler.p50),
      baseline: ms(b.toHandler.p50),
      better: "lower",
    },
    {
      name: `${label}interrupt→handler p99`,
      unit: "ms",
      value: ms(f.toHandler.p99),
      baseline: ms(b.toHandler.p99),
      better: "lower",
      target: p99,
    },
    {
      name: `${label}interrupt→handler max`,
      unit: "ms",
      value: ms(f.toHandler.max),
      baseline: ms(b.toHandler.max),
      better: "lower",
    },
    {
      // Issue 13's goal for the tail, checkable in one run: the p99 within 1.2× the bare one.
      name: `${label}interrupt→handler p99 ÷ bare AbortController p99`,
      unit: "×",
      value: f.toHandler.p99 / b.toHandler.p99,
      better: "lower",
      target: { op: "<=", value: 1.2 },
    },
  ];
  return {
    metrics,
    invariants: [
      { name: `${label}stale chunks`, value: f.stale },
      { name: `${label}cycles with a stale chunk`, value: f.staleCycles },
      { name: `${label}route errors`, value: f.errors },
      { name: `${label}executions left after the run`, value: f.leftovers },
    ],
  };
}

/**
 * `bridge.conversation(node)` or `bridge.conversation(node, { bargeIn })`. Without a policy the
 * clock starts at `broadcast(UserStartedSpeaking)`; with one, UserStartedSpeaking holds the
 * generation and the clock starts at the event that confirms the interruption (a real transcript,
 * broadcast on the next tick, while the generator is parked by the hold).
 */
async function conversation(shape: Shape, policy: boolean): Promise<Harness> {
  const { bus, errors } = benchBus();
  const stale = new StaleCounter();
  const turns = new Map<string, Turn>();
  let current: Turn | undefined;
  let turnStarted: Deferred<Turn> = deferred();
  let interruptAt = 0;

  const node: ConversationalNode = {
    id: "agent",
    addEvent() {},
    generate(_message, ctx) {
      const generationId = ctx?.generationId ?? "none";
      const turn = new Turn(generationId);
      turns.set(generationId, turn);
      current = turn;
      turnStarted.resolve(turn);
      return generate(shape, ctx?.signal ?? new AbortController().signal, () =>
        turns.get(generationId),
      );
    },
    onInterruptGenerate() {
      const turn = current;
      if (turn === undefined) return;
      turn.handlerAt = now();
      turn.handled.resolve();
    },
  };
  const agent = new Bridge(node);
  agent.conversation(node, policy ? { bargeIn: { falseInterruptionMs: 5_000 } } : {});

  const user = (event: object) => bus.broadcast(new Message({ source: "user", event }));
  const interrupt = () => {
    const turn = current;
    if (turn === undefined) return;
    stale.fence(turn.generationId); // held from here: no chunk may reach the consumer
    if (!policy) {
      turn.interruptedAt = now();
      void user(new UserStartedSpeaking());
      return;
    }
    void user(new UserStartedSpeaking());
    setTimeout(() => {
      turn.interruptedAt = now();
      void user(new UserTranscriptionReceived({ content: "no, tell me about something else" }));
    }, shape.tickMs);
  };

  const consumer = new Bridge("consumer");
  consumer.on(AgentResponse, { source: "agent" }).map((message) => {
    if (stale.check(message.generationId)) return;
    const turn = message.generationId === undefined ? undefined : turns.get(message.generationId);
    if (turn === undefined) return;
    turn.received += 1;
    if (turn.received === interruptAt) shape.schedule(interrupt);
  });

  bus.registerBridge("agent", agent).registerBridge("consumer", consumer);
  await bus.start();
  return {
    async cycle() {
      interruptAt = shape.interruptAfter();
      const staleBefore = stale.total;
      turnStarted = deferred();
      // With a policy this also ends the previous cycle's utterance: its confirmed turn starts.
      await user(new UserStoppedSpeaking());
      const turn = await withTimeout(turnStarted.promise, 5_000, "conversation turn start");
      await withTimeout(
        Promise.all([turn.handled.promise, turn.finished.promise]),
        5_000,
        "conversation interrupt cycle",
      );
      turns.delete(turn.generationId);
      return {
        toFinally: turn.finallyAt - turn.interruptedAt,
        toHandler: turn.handlerAt - turn.interruptedAt,
        stale: stale.total - staleBefore,
      };
    },
    async close() {
      await sleep(shape.tickMs * 3);
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left, stale: stale.total };
    },
  };
}

/**
 * A true interruption under a barge-in policy, timed from the confirming transcript, against
 * `conversation()` without a policy timed from UserStartedSpeaking, in the same process.
 */
async function runBargeIn(
  shape: Shape,
  cycles: { framework: number; warmup: number },
): Promise<Pick<WorkloadResult, "metrics" | "invariants">> {
  // Interleaved A/B cycles: on a shared machine the load drifts, and both sides should see the same.
  const policyHarness = await conversation(shape, true);
  const plainHarness = await conversation(shape, false);
  const policyRuns: Cycle[] = [];
  const plainRuns: Cycle[] = [];
  for (let i = 0; i < cycles.warmup + cycles.framework; i++) {
    const a = await policyHarness.cycle();
    const b = await plainHarness.cycle();
    if (i < cycles.warmup) continue;
    policyRuns.push(a);
    plainRuns.push(b);
  }
  const withPolicy = await summarise(policyHarness, policyRuns);
  const without = await summarise(plainHarness, plainRuns);
  const label = "barge-in: confirmed ";
  const p99 = { op: "<=", value: 0.5 } as const;
  const metric = (name: string, key: "toFinally" | "toHandler", at: "p50" | "p99" | "max") => ({
    name: `${label}${name} ${at}`,
    unit: "ms",
    value: ms(withPolicy[key][at]),
    baseline: ms(without[key][at]),
    better: "lower" as const,
    ...(at === "p99" ? { target: p99 } : {}),
  });
  return {
    metrics: [
      metric("interrupt→finally", "toFinally", "p50"),
      metric("interrupt→finally", "toFinally", "p99"),
      metric("interrupt→handler", "toHandler", "p50"),
      metric("interrupt→handler", "toHandler", "p99"),
    ],
    invariants: [
      { name: `${label}stale chunks`, value: withPolicy.stale + without.stale },
      { name: `${label}route errors`, value: withPolicy.errors + without.errors },
      {
        name: `${label}executions left after the run`,
        value: withPolicy.leftovers + without.leftovers,
      },
    ],
  };
}

const jitter = () => Math.random();

export const interrupt: Workload = {
  name: "interrupt",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const cycles = quick
      ? { framework: 30, baseline: 30, warmup: 5 }
      : { framework: 600, baseline: 600, warmup: 20 };
    // Paced: one chunk every 5 ms, the user cuts in after 5 chunks at a random point of the tick.
    // Short turns buy cycles: the p99 of 600 cycles (their 6th worst) moved the ÷ bare ratio
    // 0.84–1.34× between runs of one code path; over 2,000 it is the 20th worst.
    const pacedCycles = quick ? cycles : { framework: 2_000, baseline: 2_000, warmup: 20 };
    const paced = await runShape(
      "",
      {
        burst: 1,
        tickMs: 5,
        interruptAfter: () => 5,
        schedule: (fire) => void setTimeout(fire, jitter() * 5),
      },
      pacedCycles,
    );
    // Burst: ten chunks per tick, the interrupt lands mid-burst from a microtask.
    const burst = await runShape(
      "burst: ",
      {
        burst: 10,
        tickMs: 5,
        interruptAfter: () => 11 + Math.floor(jitter() * 8),
        schedule: (fire) => queueMicrotask(fire),
      },
      cycles,
    );
    // Barge-in: the same paced stream through conversation(), with and without a policy.
    // Short turns (5 chunks before the interrupt) keep the whole workload inside its time budget.
    const bargeInCycles = quick ? { framework: 30, warmup: 5 } : { framework: 300, warmup: 20 };
    const bargeIn = await runBargeIn(
      {
        burst: 1,
        tickMs: 5,
        interruptAfter: () => 5,
        schedule: (fire) => void setTimeout(fire, jitter() * 5),
      },
      bargeInCycles,
    );
    return {
      workload: "interrupt",
      description:
        "on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking, handler).stream(gen).broadcast(), gen yields every 5 ms; a consumer bridge counts stale chunks",
      params: {
        ...cycles,
        tickMs: 5,
        pacedCycles: pacedCycles.framework,
        pacedInterruptAfter: 5,
        burstSize: 10,
        bargeInCycles: bargeInCycles.framework,
        bargeInInterruptAfter: 5,
      },
      metrics: [...paced.metrics, ...burst.metrics, ...bargeIn.metrics],
      invariants: [...paced.invariants, ...burst.invariants, ...bargeIn.invariants],
      notes: [
        "times run from the call of broadcast(UserStartedSpeaking); a chunk is stale if it reaches the consumer after that call",
        `the baseline runs as many cycles as the framework (paced ${pacedCycles.baseline}, burst ${cycles.baseline}), interleaved so both meet the same load and both p99s rest on as many samples (with a third as many, the bare p99 — the ÷ bare ratio's denominator — moved that ratio 1.05–1.46 between runs of one build)`,
        "barge-in: conversation(node, { bargeIn }) timed from the confirming transcript (UserStartedSpeaking held the generation one tick before); its baseline column is conversation(node) without a policy, timed from UserStartedSpeaking, in the same run",
      ],
    };
  },
};
