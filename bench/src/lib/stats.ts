/** Monotonic time in nanoseconds, as a number (exact well past a day of uptime). */
export function now(): number {
  return Number(process.hrtime.bigint());
}

export interface Distribution {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles of `samples` (any unit; returned in the same unit). */
export function distribution(samples: readonly number[]): Distribution {
  if (samples.length === 0)
    return { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const sorted = Float64Array.from(samples).sort();
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    p50: rank(0.5),
    p99: rank(0.99),
    max: sorted[sorted.length - 1]!,
    mean: sum / sorted.length,
  };
}

export function median(values: readonly number[]): number {
  return distribution(values).p50;
}

/** Nanoseconds → microseconds. */
export function us(ns: number): number {
  return ns / 1e3;
}

/** Nanoseconds → milliseconds. */
export function ms(ns: number): number {
  return ns / 1e6;
}

/** Items per second, given a count and a duration in nanoseconds. */
export function perSecond(count: number, ns: number): number {
  return (count * 1e9) / ns;
}

/** Runs `gc()` a few times when node was started with --expose-gc; returns heapUsed in bytes. */
export function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined)
    throw new Error("the soak workload needs node --expose-gc (run it through bench/src/run.ts)");
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** CPU time (user + system) this process has used, in nanoseconds. */
export function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1e3;
}

/** A rate measured on the wall clock and on this process's CPU clock (steadier when the machine is busy). */
export interface Rate {
  wall: number;
  cpu: number;
}
