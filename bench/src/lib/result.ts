/** One measured figure of a workload, with its bare-baseline counterpart and target. */
export interface Metric {
  name: string;
  unit: string;
  value: number;
  /** The same figure for the hand-written baseline, measured in the same process. */
  baseline?: number | undefined;
  better: "higher" | "lower";
  target?: Target | undefined;
}

/** A floor or ceiling from issue #6. */
interface Target {
  op: ">=" | "<=";
  value: number;
}

/** A correctness count that must be zero (stale chunks, errors, leaked listeners). CI fails on these. */
interface Invariant {
  name: string;
  value: number;
}

/** What a workload reports back to the runner. */
export interface WorkloadResult {
  workload: string;
  description: string;
  params: Record<string, number | string>;
  metrics: Metric[];
  invariants: Invariant[];
  notes: string[];
}

/** What a workload module exports. */
export interface Workload {
  readonly name: string;
  run(options: RunOptions): Promise<WorkloadResult>;
}

export interface RunOptions {
  quick: boolean;
}

/**
 * The framework's cost relative to the baseline: 2 means twice the time per event (for rates) or
 * twice the latency. Undefined without a baseline.
 */
export function costRatio(metric: Metric): number | undefined {
  if (metric.baseline === undefined || metric.baseline === 0 || metric.value === 0)
    return undefined;
  return metric.better === "higher"
    ? metric.baseline / metric.value
    : metric.value / metric.baseline;
}

export function meetsTarget(metric: Metric): boolean | undefined {
  const target = metric.target;
  if (target === undefined) return undefined;
  return target.op === ">=" ? metric.value >= target.value : metric.value <= target.value;
}
