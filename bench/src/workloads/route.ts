import { EventEmitter } from "node:events";
import { Bridge, Message } from "@switchboard/core";
import { benchBus, leftovers } from "../lib/bus.js";
import type { RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { cpuNow, distribution, median, now, perSecond, us, type Rate } from "../lib/stats.js";
import { Ping } from "./events.js";

/** What both sides do for each event: a little work the optimiser cannot drop. */
interface Harness {
  /** Sends one event; resolves when the sender may send the next. */
  send(n: number): void | Promise<void>;
  total(): number;
  /** Time the last handler call was made, for hop latency. */
  lastSeenAt(): number;
  close(): Promise<{ errors: number; leftovers: number }>;
}

async function framework(): Promise<Harness> {
  const { bus, errors } = benchBus();
  const bridge = new Bridge("router");
  let total = 0;
  let seenAt = 0;
  bridge.on(Ping).map((message) => {
    seenAt = now();
    total += message.event.n;
  });
  bus.registerBridge("router", bridge);
  await bus.start();
  return {
    send: (n) => bus.broadcast(new Message({ source: "user", event: new Ping({ n }) })),
    total: () => total,
    lastSeenAt: () => seenAt,
    async close() {
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left };
    },
  };
}

/** The least code that does the same job: an EventEmitter and a listener. */
function baseline(): Harness {
  const emitter = new EventEmitter();
  let total = 0;
  let seenAt = 0;
  emitter.on("ping", (event: Ping) => {
    seenAt = now();
    total += event.n;
  });
  return {
    send(n) {
      emitter.emit("ping", new Ping({ n }));
    },
    total: () => total,
    lastSeenAt: () => seenAt,
    close: () => Promise.resolve({ errors: 0, leftovers: emitter.listenerCount("ping") - 1 }),
  };
}

/** Events/s: send `count` events back to back (awaiting each send, as app code would). */
async function throughput(harness: Harness, count: number): Promise<Rate> {
  const before = harness.total();
  const start = now();
  const cpuStart = cpuNow();
  for (let i = 0; i < count; i++) await harness.send(1);
  const elapsed = now() - start;
  const cpu = cpuNow() - cpuStart;
  if (harness.total() - before !== count)
    throw new Error(`route: expected ${count} deliveries, got ${harness.total() - before}`);
  return { wall: perSecond(count, elapsed), cpu: perSecond(count, cpu) };
}

/** Hop latency: broadcast → handler, one event in flight at a time; nanoseconds per sample. */
async function hops(harness: Harness, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const sentAt = now();
    await harness.send(1);
    samples.push(harness.lastSeenAt() - sentAt);
    // Let timers and I/O run now and then, as a real process would between events.
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  return samples;
}

export const route: Workload = {
  name: "route",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const events = quick ? 2_000 : 20_000;
    const rounds = quick ? 2 : 5;
    const hopSamples = quick ? 2_000 : 20_000;
    const sides = { framework: await framework(), baseline: baseline() };
    // Warm-up: let the JIT settle both paths before anything is timed.
    for (const side of Object.values(sides)) {
      await throughput(side, events);
      await hops(side, 2_000);
    }
    const rates = { framework: [] as Rate[], baseline: [] as Rate[] };
    for (let r = 0; r < rounds; r++) {
      rates.framework.push(await throughput(sides.framework, events));
      rates.baseline.push(await throughput(sides.baseline, events));
    }
    const hop = {
      framework: distribution(await hops(sides.framework, hopSamples)),
      baseline: distribution(await hops(sides.baseline, hopSamples)),
    };
    const closed = await sides.framework.close();
    await sides.baseline.close();
    return {
      workload: "route",
      description: "bus → bridge → on(Ping).map(fn)",
      params: { events, rounds, hopSamples },
      metrics: [
        {
          name: "throughput",
          unit: "events/s",
          value: median(rates.framework.map((r) => r.wall)),
          baseline: median(rates.baseline.map((r) => r.wall)),
          better: "higher",
          target: { op: ">=", value: 300_000 },
        },
        {
          name: "throughput per CPU-second",
          unit: "events/s",
          value: median(rates.framework.map((r) => r.cpu)),
          baseline: median(rates.baseline.map((r) => r.cpu)),
          better: "higher",
        },
        {
          name: "hop p50",
          unit: "µs",
          value: us(hop.framework.p50),
          baseline: us(hop.baseline.p50),
          better: "lower",
          target: { op: "<=", value: 10 },
        },
        {
          name: "hop p99",
          unit: "µs",
          value: us(hop.framework.p99),
          baseline: us(hop.baseline.p99),
          better: "lower",
        },
      ],
      invariants: [
        { name: "route errors", value: closed.errors },
        { name: "executions left after the run", value: closed.leftovers },
      ],
      notes: [
        `throughput is the median of ${rounds} rounds of ${events} events, each broadcast awaited`,
      ],
    };
  },
};
