import { Subject } from "rxjs";
import { AgentResponse, Bridge, Message } from "@switchboard/core";
import { deferred } from "../lib/async.js";
import { benchBus, leftovers } from "../lib/bus.js";
import type { RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import {
  cpuNow,
  distribution,
  median,
  now,
  perSecond,
  us,
  type Distribution,
} from "../lib/stats.js";
import { Start } from "./events.js";

interface Run {
  rate: number;
  /** Chunks per CPU-second of this process. */
  cpuRate: number;
  latency: Distribution;
}

/** Yields `count` chunks as fast as it is pulled, noting when each was yielded. */
async function* chunks(count: number, yieldedAt: number[]): AsyncGenerator<AgentResponse> {
  for (let i = 0; i < count; i++) {
    const chunk = new AgentResponse({ content: "tok " });
    yieldedAt[i] = now();
    yield chunk;
  }
}

interface Harness {
  run(count: number): Promise<Run>;
  close(): Promise<{ errors: number; leftovers: number }>;
}

/** `on(Start).stream(gen).broadcast()` on one bridge, `on(AgentResponse).map(count)` on another. */
async function framework(): Promise<Harness> {
  const { bus, errors } = benchBus();
  let plan = { count: 0, yieldedAt: [] as number[], receivedAt: [] as number[], done: deferred() };
  const agent = new Bridge("agent");
  agent
    .on(Start)
    .stream(() => chunks(plan.count, plan.yieldedAt))
    .broadcast();
  const consumer = new Bridge("consumer");
  consumer.on(AgentResponse, { source: "agent" }).map(() => {
    const received = plan.receivedAt.push(now());
    if (received === plan.count) plan.done.resolve();
  });
  bus.registerBridge("agent", agent).registerBridge("consumer", consumer);
  await bus.start();
  return {
    async run(count) {
      plan = { count, yieldedAt: new Array<number>(count), receivedAt: [], done: deferred() };
      const started = now();
      const cpuStarted = cpuNow();
      await bus.broadcast(new Message({ source: "user", event: new Start() }));
      await plan.done.promise;
      return summarise(started, cpuStarted, plan.yieldedAt, plan.receivedAt);
    },
    async close() {
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left };
    },
  };
}

/** The least code that does the same job: `for await` over the generator into an RxJS Subject. */
function baseline(): Harness {
  const subject = new Subject<AgentResponse>();
  let receivedAt: number[] = [];
  subject.subscribe(() => {
    receivedAt.push(now());
  });
  return {
    async run(count) {
      const yieldedAt = new Array<number>(count);
      receivedAt = [];
      const started = now();
      const cpuStarted = cpuNow();
      for await (const chunk of chunks(count, yieldedAt)) subject.next(chunk);
      return summarise(started, cpuStarted, yieldedAt, receivedAt);
    },
    close: () => Promise.resolve({ errors: 0, leftovers: subject.observers.length - 1 }),
  };
}

function summarise(
  started: number,
  cpuStarted: number,
  yieldedAt: readonly number[],
  receivedAt: readonly number[],
): Run {
  if (receivedAt.length !== yieldedAt.length)
    throw new Error(`stream: ${yieldedAt.length} yielded, ${receivedAt.length} received`);
  const elapsed = receivedAt[receivedAt.length - 1]! - started;
  return {
    rate: perSecond(receivedAt.length, elapsed),
    cpuRate: perSecond(receivedAt.length, cpuNow() - cpuStarted),
    latency: distribution(receivedAt.map((at, i) => at - yieldedAt[i]!)),
  };
}

export const stream: Workload = {
  name: "stream",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const count = quick ? 2_000 : 10_000;
    const rounds = quick ? 2 : 7;
    const sides = { framework: await framework(), baseline: baseline() };
    for (let i = 0; i < 3; i++) for (const side of Object.values(sides)) await side.run(count);
    const runs = { framework: [] as Run[], baseline: [] as Run[] };
    for (let r = 0; r < rounds; r++) {
      runs.framework.push(await sides.framework.run(count));
      runs.baseline.push(await sides.baseline.run(count));
    }
    const closed = await sides.framework.close();
    await sides.baseline.close();
    // The round with the median rate stands for the run; its latencies come with it.
    const pick = (list: Run[]) =>
      [...list].sort((a, b) => a.rate - b.rate)[Math.floor(list.length / 2)]!;
    const f = pick(runs.framework);
    const b = pick(runs.baseline);
    return {
      workload: "stream",
      description:
        "on(Start).stream(gen).broadcast() → another bridge's on(AgentResponse).map(count)",
      params: { chunks: count, rounds },
      metrics: [
        {
          name: "throughput",
          unit: "chunks/s",
          value: median(runs.framework.map((r) => r.rate)),
          baseline: median(runs.baseline.map((r) => r.rate)),
          better: "higher",
          target: { op: ">=", value: 200_000 },
        },
        {
          name: "throughput per CPU-second",
          unit: "chunks/s",
          value: median(runs.framework.map((r) => r.cpuRate)),
          baseline: median(runs.baseline.map((r) => r.cpuRate)),
          better: "higher",
        },
        {
          name: "yield→consumer p50",
          unit: "µs",
          value: us(f.latency.p50),
          baseline: us(b.latency.p50),
          better: "lower",
        },
        {
          name: "yield→consumer p99",
          unit: "µs",
          value: us(f.latency.p99),
          baseline: us(b.latency.p99),
          better: "lower",
        },
      ],
      invariants: [
        { name: "route errors", value: closed.errors },
        { name: "executions left after the run", value: closed.leftovers },
      ],
      notes: [
        `throughput is the median of ${rounds} rounds of ${count} chunks; latency from the median round`,
      ],
    };
  },
};
