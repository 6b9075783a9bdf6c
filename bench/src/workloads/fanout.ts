import { EventEmitter } from "node:events";
import { Bridge, Message } from "@switchboard/core";
import { benchBus, leftovers } from "../lib/bus.js";
import type { RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { cpuNow, median, now, perSecond, type Rate } from "../lib/stats.js";
import { Ping } from "./events.js";

const BRIDGES = 10;

interface Harness {
  send(n: number): void | Promise<void>;
  deliveries(): number;
  close(): Promise<{ errors: number; leftovers: number }>;
}

async function framework(): Promise<Harness> {
  const { bus, errors } = benchBus();
  let deliveries = 0;
  for (let i = 0; i < BRIDGES; i++) {
    const bridge = new Bridge(`listener-${i}`);
    bridge.on(Ping).map((message) => {
      deliveries += message.event.n;
    });
    bus.registerBridge(bridge.nodeId, bridge);
  }
  await bus.start();
  return {
    send: (n) => bus.broadcast(new Message({ source: "user", event: new Ping({ n }) })),
    deliveries: () => deliveries,
    async close() {
      const left = leftovers(bus.stats());
      await bus.cleanup();
      return { errors: errors(), leftovers: left };
    },
  };
}

/** The least code that does the same job: one EventEmitter with ten listeners. */
function baseline(): Harness {
  const emitter = new EventEmitter();
  let deliveries = 0;
  for (let i = 0; i < BRIDGES; i++) {
    emitter.on("ping", (event: Ping) => {
      deliveries += event.n;
    });
  }
  return {
    send(n) {
      emitter.emit("ping", new Ping({ n }));
    },
    deliveries: () => deliveries,
    close: () => Promise.resolve({ errors: 0, leftovers: 0 }),
  };
}

async function throughput(harness: Harness, count: number): Promise<Rate> {
  const before = harness.deliveries();
  const start = now();
  const cpuStart = cpuNow();
  for (let i = 0; i < count; i++) await harness.send(1);
  const elapsed = now() - start;
  const cpu = cpuNow() - cpuStart;
  const delivered = harness.deliveries() - before;
  if (delivered !== count * BRIDGES)
    throw new Error(`fanout: expected ${count * BRIDGES} deliveries, got ${delivered}`);
  return { wall: perSecond(count, elapsed), cpu: perSecond(count, cpu) };
}

export const fanout: Workload = {
  name: "fanout",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const events = quick ? 1_000 : 5_000;
    const rounds = quick ? 2 : 7;
    const sides = { framework: await framework(), baseline: baseline() };
    for (let i = 0; i < 3; i++)
      for (const side of Object.values(sides)) await throughput(side, events);
    const rates = { framework: [] as Rate[], baseline: [] as Rate[] };
    for (let r = 0; r < rounds; r++) {
      rates.framework.push(await throughput(sides.framework, events));
      rates.baseline.push(await throughput(sides.baseline, events));
    }
    const closed = await sides.framework.close();
    const f = median(rates.framework.map((r) => r.wall));
    const b = median(rates.baseline.map((r) => r.wall));
    return {
      workload: "fanout",
      description: `${BRIDGES} bridges, each on(Ping).map(fn)`,
      params: { events, bridges: BRIDGES, rounds },
      metrics: [
        {
          name: "throughput",
          unit: "events/s",
          value: f,
          baseline: b,
          better: "higher",
          target: { op: ">=", value: 100_000 },
        },
        {
          name: "throughput per CPU-second",
          unit: "events/s",
          value: median(rates.framework.map((r) => r.cpu)),
          baseline: median(rates.baseline.map((r) => r.cpu)),
          better: "higher",
        },
        {
          name: "deliveries",
          unit: "deliveries/s",
          value: f * BRIDGES,
          baseline: b * BRIDGES,
          better: "higher",
          target: { op: ">=", value: 1_000_000 },
        },
      ],
      invariants: [
        { name: "route errors", value: closed.errors },
        { name: "executions left after the run", value: closed.leftovers },
      ],
      notes: [`throughput is the median of ${rounds} rounds of ${events} events`],
    };
  },
};
