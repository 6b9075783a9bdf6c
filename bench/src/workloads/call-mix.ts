import cluster from "node:cluster";
import { fork, spawnSync, type ChildProcess } from "node:child_process";
import type { EventEmitter } from "node:events";
import { availableParallelism } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import {
  startBaselineServer,
  startFrameworkServer,
  type AgentHooks,
  type RunningServer,
  type Script,
} from "../lib/agents.js";
import { withTimeout } from "../lib/async.js";
import { siblingModule } from "../lib/module-file.js";
import type { Metric, RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { cpuNow, median, ms, now } from "../lib/stats.js";
import type { FromCallers, ToCallers } from "./call-mix-clients.js";

/** The agent answers 30–80 tokens at 50 tokens/s; each token carries the time it was yielded. */
const PACING_MS = 20;
const TARGET_P99_MS = 5;
/**
 * A server keeps pace while the median of its pacing timers wakes at most this late. One well under
 * load reads 0.5–0.7 ms; near its CPU's end the median climbs steeply (framework, one process: 1.9
 * ms at 1,000 calls, 3.1 at 1,250, 28 at 2,000), so the knee moves little between 1 and 3 ms.
 */
const MAX_LATE_P50_MS = 2;
/** How long a capacity search's server serves its first load before the first point is read. */
const CAPACITY_WARM_MS = 30_000;
/**
 * Each load of a capacity search: its callers all connect within a second or two, and the window
 * opens 10 s later, when their calls' first turns are behind them: a box at capacity serves calls
 * that have been going on for minutes, where an arrival of 1,000 calls in a second is a herd no
 * balancer sends one instance. 10 s windows: the calls' turns come in waves, and 5 s windows
 * read anywhere from 1,070 to 1,300 turns at one load.
 */
const CAPACITY_PLAN: Plan = { warmMs: 10_000, measureMs: 10_000 };
/**
 * How many times the single process's capacity is searched for; each side's figure is the median.
 * One search's figure for bare moved from 1,000 to 1,500 calls between runs (the framework's from
 * 875 to 938): the VM's pace drifts over the minutes a search takes, and a few samples near the
 * knee decide it. Two workers are searched once: the callers, sharing the CPUs, set that limit.
 */
const CAPACITY_SEARCHES = 3;
/** When CPU per turn is read in steady state: after the JIT has optimized the per-turn code. */
const STEADY_AT_MS = 45_000;

/** Lateness of the pacing timers is counted in buckets this wide, the last one open-ended. */
const LATE_BUCKET_NS = 100_000;
const LATE_BUCKETS = 1_000;

/**
 * How late this server's pacing timers woke, since the last `cpu` command: a histogram of
 * `LATE_BUCKETS` buckets of `LATE_BUCKET_NS`. A server that keeps up wakes its timers within a
 * millisecond or so; a saturated one wakes them late, and its answers slow down.
 */
const lateness = new Uint32Array(LATE_BUCKETS);

const script: Script = async function* (turn, signal) {
  const tokens = 30 + ((turn * 7919) % 51);
  for (let i = 0; i < tokens; i++) {
    yield `t${i}@${now()} `;
    if (i < tokens - 1) {
      const due = now() + PACING_MS * 1e6;
      await sleep(PACING_MS, undefined, { signal });
      const late = Math.max(0, Math.floor((now() - due) / LATE_BUCKET_NS));
      lateness[Math.min(LATE_BUCKETS - 1, late)]! += 1;
    }
  }
};

/** `baseline-full`: the bare baseline speaking the whole wire protocol (see `BaselineOptions`). */
export const SIDES = ["framework", "baseline", "baseline-full"] as const;
export type Side = (typeof SIDES)[number];

/**
 * A server to start: a side, served by this build's `call-mix` module or by another build's
 * (`module`: a path to another checkout's `bench/dist/workloads/call-mix.js`, for an A/B).
 */
export interface ServerSpec {
  side: Side;
  module?: string;
}

export interface Plan {
  /** From the callers' connecting to the (first) measured window. */
  warmMs: number;
  measureMs: number;
  /**
   * More windows of `measureMs` on the same servers and calls, each opening this long after the
   * callers connected (after the first window's end). `run` returns one set of points per window.
   */
  laterWindowsAtMs?: readonly number[];
}

/** `--quick` (CI): one short window at a small load; that the workload runs, not a measurement. */
export const QUICK_PLAN: Plan = { warmMs: 2_000, measureMs: 3_000 };
export const QUICK_CALLS = 50;

/** When each of a plan's windows opens, counted from the callers' connecting. */
function windowStartsOf(plan: Plan): number[] {
  return [plan.warmMs, ...(plan.laterWindowsAtMs ?? [])];
}

export interface Point {
  calls: number;
  connected: number;
  p99Ms: number;
  p50Ms: number;
  turns: number;
  /** Server CPU time per completed turn (all workers), ms. */
  cpuPerTurnMs: number;
  /** Server CPU time over the window (all workers), in percent of one core. */
  cpuPercent: number;
  /** How late the server's pacing timers woke over the window, the median, ms. */
  lateP50Ms: number;
  /** The callers' CPU over the window, in percent of one core. */
  callersCpuPercent: number;
  errors: number;
  errorSamples: string[];
}

/** `cpu`: the server's CPU time so far, and its pacing timers' lateness since the last `cpu`. */
type ToServer = { cmd: "cpu" };
type FromServer =
  { event: "listening"; url: string } | { event: "cpu"; ns: number; late: number[] };

/** The `p` quantile of a `lateness` histogram, in ms: the upper edge of its bucket. */
function latenessQuantileMs(late: readonly number[], p: number): number {
  const total = late.reduce((sum, n) => sum + n, 0);
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (let i = 0; i < late.length; i++) {
    seen += late[i]!;
    if (seen >= rank) return ms((i + 1) * LATE_BUCKET_NS);
  }
  return ms(late.length * LATE_BUCKET_NS);
}

/**
 * The child's first message of kind `event`, within `timeoutMs` when given (`what` names the wait
 * in the error); rejects if the child exits first. A forked process or a cluster worker.
 */
function reply<M extends { event: string }, E extends M["event"]>(
  child: Pick<EventEmitter, "on" | "off" | "once">,
  event: E,
  timeout?: { ms: number; what: string },
): Promise<Extract<M, { event: E }>> {
  const received = new Promise<Extract<M, { event: E }>>((resolve, reject) => {
    const onMessage = (message: M) => {
      if (message.event !== event) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as Extract<M, { event: E }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`call-mix: a process exited (${code}) before ${event}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
  return timeout === undefined ? received : withTimeout(received, timeout.ms, timeout.what);
}

/** A server under test (1 process or a cluster) and where it listens. */
interface Server {
  child: ChildProcess;
  url: string;
  /** Pinned to a CPU (see `pin`). */
  pinned: boolean;
}

/** A server and the caller process of one load level. */
interface Rig {
  server: Server;
  callers: ChildProcess;
}

const execArgv = process.execArgv.filter((arg) => arg !== "--expose-gc");

/**
 * Starts a server (a cluster when `workers` > 1), pinned to `cpu` when given and possible; from
 * `module` when given (another build's `call-mix.js`), else from this build's.
 */
async function startServer(
  side: Side,
  workers: number,
  cpu?: number,
  module = siblingModule(import.meta.url, "call-mix"),
): Promise<Server> {
  const child = fork(module, ["--serve", side, String(workers)], {
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pinned = cpu !== undefined && pin(child.pid, cpu);
  try {
    const { url } = await reply<FromServer, "listening">(child, "listening", {
      ms: 30_000,
      what: "call-mix: starting the server",
    });
    return { child, url, pinned };
  } catch (error) {
    child.kill();
    throw error;
  }
}

/** A caller process for one load level; on CPU 1 when its server is pinned (to CPU 0). */
function startCallers(server: Server): ChildProcess {
  const callers = fork(siblingModule(import.meta.url, "call-mix-clients"), [], {
    execArgv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (server.pinned) pin(callers.pid, 1);
  return callers;
}

/**
 * One load level on each rig, all at once: connect, warm, measure (in each of the plan's windows),
 * stop. The points of each window, in the plan's order; one window unless the plan asks for more.
 * The caller processes end with it; the servers are their owners'.
 */
async function run(rigs: readonly Rig[], calls: number, plan: Plan): Promise<Point[][]> {
  try {
    const connected = await Promise.all(
      rigs.map(async ({ server, callers }) => {
        callers.send({
          cmd: "start",
          url: server.url,
          calls,
          seed: 42,
          deadlineMs: Math.max(...windowStartsOf(plan)) + plan.measureMs + 60_000,
        } satisfies ToCallers);
        const ready = await reply<FromCallers, "connected">(callers, "connected", {
          ms: 60_000,
          what: "call-mix: connecting",
        });
        return ready.connected;
      }),
    );
    const connectedAt = now();
    const cpu = ({ child }: Server) => {
      child.send({ cmd: "cpu" } satisfies ToServer);
      return reply<FromServer, "cpu">(child, "cpu");
    };
    const windows: Point[][] = [];
    for (const startMs of windowStartsOf(plan)) {
      await sleep(Math.max(0, startMs - ms(now() - connectedAt)));
      const cpuBefore = await Promise.all(rigs.map(({ server }) => cpu(server)));
      for (const { callers } of rigs) callers.send({ cmd: "measure" } satisfies ToCallers);
      await sleep(plan.measureMs);
      const cpuAfter = await Promise.all(rigs.map(({ server }) => cpu(server)));
      const results = await Promise.all(
        rigs.map(async ({ callers }) => {
          callers.send({ cmd: "report" } satisfies ToCallers);
          return reply<FromCallers, "result">(callers, "result", {
            ms: 30_000,
            what: "call-mix: reading the callers' window",
          });
        }),
      );
      windows.push(
        results.map((result, i) => {
          const cpuMs = ms(cpuAfter[i]!.ns - cpuBefore[i]!.ns);
          const { late } = cpuAfter[i]!;
          return {
            calls,
            connected: connected[i]!,
            p50Ms: ms(result.latency.p50),
            p99Ms: ms(result.latency.p99),
            turns: result.turns,
            cpuPerTurnMs: cpuMs / Math.max(1, result.turns),
            cpuPercent: (cpuMs / plan.measureMs) * 100,
            lateP50Ms: latenessQuantileMs(late, 0.5),
            callersCpuPercent: result.cpuPercent,
            errors: result.errors + (calls - connected[i]!),
            errorSamples: result.errorSamples,
          };
        }),
      );
    }
    await Promise.all(
      rigs.map(async ({ callers }) => {
        callers.send({ cmd: "stop" } satisfies ToCallers);
        await reply<FromCallers, "result">(callers, "result", {
          ms: 30_000,
          what: "call-mix: stopping the callers",
        });
      }),
    );
    return windows;
  } finally {
    for (const { callers } of rigs) callers.kill();
  }
}

/**
 * One load level on a fresh server (1 process or a cluster) with fresh callers: warm, measure.
 * A single process is pinned to CPU 0 and its callers to CPU 1 (where taskset allows): the box
 * under test serves calls, it does not also make them. Workers use every CPU, callers included.
 */
async function measure(side: Side, workers: number, calls: number, plan: Plan): Promise<Point> {
  const server = await startServer(side, workers, workers === 1 ? 0 : undefined);
  try {
    return await measureOn(server, calls, plan);
  } finally {
    server.child.kill();
  }
}

/** One load level on a running server, with fresh callers: connect, warm, measure, hang up. */
async function measureOn(server: Server, calls: number, plan: Plan): Promise<Point> {
  const [[point]] = (await run([{ server, callers: startCallers(server) }], calls, plan)) as [
    [Point],
  ];
  return point;
}

/**
 * Pins every process of `pid` to `cpu` with `taskset` (util-linux); false where that is not
 * possible (no taskset, one CPU), and then nothing is pinned.
 */
function pin(pid: number | undefined, cpu: number): boolean {
  if (pid === undefined || availableParallelism() < 2) return false;
  return (
    spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(pid)], { stdio: "ignore" })
      .status === 0
  );
}

/**
 * CPU per turn of several servers serving the same call mix at the same time, one single-process
 * server per spec, all pinned to CPU 0 and their callers to CPU 1: what the box does at any moment
 * (a neighbour's load, the clock) it does to every side alike, so their ratio holds still where
 * one side's run after the other's moved ±20%. Rounds rotate the order the sides start in.
 * `bench/src/ab.ts` runs it on two builds of the framework.
 */
export async function measureSideBySide(
  specs: readonly ServerSpec[],
  calls: number,
  plan: Plan,
  round: number,
): Promise<{ windows: Point[][]; pinned: boolean }> {
  const order = specs.map((_, i) => (i + round) % specs.length);
  const servers: Server[] = [];
  try {
    for (const i of order) servers[i] = await startServer(specs[i]!.side, 1, 0, specs[i]!.module);
    const rigs = servers.map((server) => ({ server, callers: startCallers(server) }));
    return {
      windows: await run(rigs, calls, plan),
      pinned: servers.every((server) => server.pinned),
    };
  } finally {
    for (const server of servers) server?.child.kill();
  }
}

/** A capacity search takes minutes: say where it is. */
function progress(side: Side, workers: number, point: Point): void {
  process.stderr.write(
    `  call-mix: ${side}, ${workers} process(es), ${point.calls} calls: p99 ${point.p99Ms.toFixed(2)} ms, timers ${point.lateP50Ms.toFixed(1)} ms late (median), ${point.cpuPercent.toFixed(0)}% CPU, ${point.turns} turns at ${point.cpuPerTurnMs.toFixed(2)} ms (callers ${point.callersCpuPercent.toFixed(0)}%), ${point.errors} errors\n`,
  );
}

/**
 * How close a point is to the limit of what a server serves: 1 at the limit, over 1 past it. Both
 * bounds count: the chunk latency (p99 yield→caller ≤ 5 ms), which does not see a saturated
 * server, and the pace (median pacing-timer lateness ≤ 2 ms), which does.
 */
function strain(point: Point): number {
  return Math.max(point.p99Ms / TARGET_P99_MS, point.lateP50Ms / MAX_LATE_P50_MS);
}

function fits(point: Point): boolean {
  return point.errors === 0 && point.turns > 0 && strain(point) <= 1;
}

/** Over this strain a load is measured three times: a single sample misses on one hiccup of the VM. */
const RESAMPLE_OVER = 0.8;

/**
 * One point of a capacity search. A load that misses, or passes near the limit, is measured three
 * times and the sample with the median strain stands for it (`samples` says how many were taken):
 * one sample decides on the VM's noise, and runs of one build put the knee anywhere from 1,000 to
 * 2,500 calls, one load reading 2.6 ms in one run and 8.2 ms in the next.
 */
async function measureAt(
  server: Server,
  side: Side,
  workers: number,
  calls: number,
  plan: Plan,
): Promise<Point & { samples: number }> {
  const first = await measureOn(server, calls, plan);
  progress(side, workers, first);
  if (first.errors > 0 || strain(first) <= RESAMPLE_OVER) {
    return { ...first, samples: 1 };
  }
  const points = [first];
  for (let i = 0; i < 2; i++) {
    const point = await measureOn(server, calls, plan);
    progress(side, workers, point);
    points.push(point);
  }
  points.sort((a, b) => strain(a) - strain(b));
  const errors = points.reduce((sum, point) => sum + point.errors, 0);
  return { ...points[1]!, errors, samples: points.length };
}

/**
 * The search for the most calls a server serves (see `fits`): doubling from `start` while loads
 * fit, then bisecting up to three times between the last fit and the first miss, down to a
 * step of a quarter of `start`: with two bisections, one run put the framework between 875 and
 * 1,000 calls and bare between 1,000 and 1,250, a ratio anywhere from 0.7 to 1.
 */
class CapacitySearch {
  readonly points: (Point & { samples: number })[] = [];
  /** The most calls that fit so far. */
  calls = 0;
  #bad = 0;
  #bisections = 0;
  readonly #start: number;
  readonly #max: number;

  constructor(start: number, max: number) {
    this.#start = start;
    this.#max = max;
  }

  /** The next load to measure, or undefined when the search is over. */
  get next(): number | undefined {
    if (this.#bad === 0) {
      const calls = this.calls === 0 ? this.#start : this.calls * 2;
      return calls <= this.#max ? calls : undefined;
    }
    if (this.#bisections === 3 || this.#bad - this.calls <= this.#start / 4) return undefined;
    return Math.round((this.calls + this.#bad) / 2);
  }

  record(point: Point & { samples: number }): void {
    if (this.#bad > 0) this.#bisections += 1;
    this.points.push(point);
    if (fits(point)) this.calls = point.calls;
    else this.#bad = point.calls;
  }
}

/**
 * The capacity of each side (see `CapacitySearch`), their searches run in step: one server per
 * side, all warmed together for `CAPACITY_WARM_MS` at the starting load, then each side measures
 * its next load in turn (the order alternating), one side at a time. The VM's pace drifts ±30%
 * over minutes; a search run after another's would carry the drift into their ratio. A single
 * process is pinned to CPU 0, its callers to CPU 1, and only the side being measured has calls;
 * a server in service has compiled its per-turn code, where a fresh one spends its first seconds
 * in the JIT (the more code, the more).
 */
async function capacities(
  sides: readonly Side[],
  workers: number,
  plan: Plan,
  start: number,
  max: number,
): Promise<CapacitySearch[]> {
  const servers: Server[] = [];
  try {
    for (const side of sides) {
      servers.push(await startServer(side, workers, workers === 1 ? 0 : undefined));
    }
    await run(
      servers.map((server) => ({ server, callers: startCallers(server) })),
      start,
      { warmMs: CAPACITY_WARM_MS - plan.measureMs, measureMs: plan.measureMs },
    );
    const searches = sides.map(() => new CapacitySearch(start, max));
    for (let step = 0; searches.some((search) => search.next !== undefined); step++) {
      for (let k = 0; k < sides.length; k++) {
        const i = (k + step) % sides.length;
        const calls = searches[i]!.next;
        if (calls === undefined) continue;
        searches[i]!.record(await measureAt(servers[i]!, sides[i]!, workers, calls, plan));
      }
    }
    return searches;
  } finally {
    for (const server of servers) server.child.kill();
  }
}

export const callMix: Workload = {
  name: "call-mix",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const plan: Plan = quick ? QUICK_PLAN : { warmMs: 4_000, measureMs: 6_000 };
    const workers = 2;
    const notes: string[] = [];
    const metrics: Metric[] = [];
    let errors = 0;
    const fixedLoad = quick ? QUICK_CALLS : 250;
    // CPU per turn at one fixed load, in steady state: the first seconds of a server are mostly
    // the JIT compiling it (the more code, the more), which says nothing about what a turn costs.
    // At 250 calls a per-turn function (a trigger, a generation's start) runs ~60 times a second,
    // so the JIT is still optimizing them 15–25 s in (--trace-opt: 36 functions optimized in that
    // window, 13 in the window 45–55 s in); the goal is read in the later window, and the early
    // one is reported beside it. The framework, the bare baseline and the bare baseline speaking
    // the whole protocol serve the load side by side (see measureSideBySide); in each window, the
    // round with the median framework ÷ baseline ratio is reported.
    const steady: Plan = quick
      ? plan
      : { warmMs: 15_000, measureMs: 10_000, laterWindowsAtMs: [STEADY_AT_MS] };
    const rounds = quick ? 1 : 5;
    const sides = SIDES;
    /** Per window, per round: the sides' points. */
    const byWindow: Point[][][] = [];
    let pinned = true;
    for (let round = 0; round < rounds; round++) {
      const result = await measureSideBySide(
        sides.map((side) => ({ side })),
        fixedLoad,
        steady,
        round,
      );
      result.windows.forEach((points, w) => (byWindow[w] ??= []).push(points));
      pinned &&= result.pinned;
      // The framework's: the invariant is about it (each window counts every error since the start).
      errors += result.windows.at(-1)![0]!.errors;
    }
    const ratio = (points: Point[]) => points[0]!.cpuPerTurnMs / points[1]!.cpuPerTurnMs;
    const medianRound = (rows: Point[][]) =>
      [...rows].sort((a, b) => ratio(a) - ratio(b))[Math.floor((rows.length - 1) / 2)]!;
    const [f, b, full] = medianRound(byWindow.at(-1)!) as [Point, Point, Point];
    /** The first window's figure, when there is a later one: what the JIT's warm-up costs. */
    const earlyRows: Metric[] = [];
    if (byWindow.length > 1) {
      const [early, earlyBare] = medianRound(byWindow[0]!) as [Point, Point];
      earlyRows.push({
        name: `server CPU per turn ${steady.warmMs / 1000}–${(steady.warmMs + steady.measureMs) / 1000} s in, JIT still compiling (${fixedLoad} calls)`,
        unit: "ms",
        value: early.cpuPerTurnMs,
        baseline: earlyBare.cpuPerTurnMs,
        better: "lower",
      });
    }
    // Latency at the same load, each side alone on the machine (side by side they share a CPU).
    const alone = {
      framework: await measure("framework", 1, fixedLoad, plan),
      baseline: await measure("baseline", 1, fixedLoad, plan),
    };
    errors += alone.framework.errors;
    metrics.push(
      {
        name: `server CPU per turn (${fixedLoad} calls)`,
        unit: "ms",
        value: f.cpuPerTurnMs,
        baseline: b.cpuPerTurnMs,
        better: "lower",
        target: { op: "<=", value: 1.3 * b.cpuPerTurnMs },
      },
      {
        name: `server CPU per turn, bare speaking the whole protocol (${fixedLoad} calls)`,
        unit: "ms",
        value: f.cpuPerTurnMs,
        baseline: full.cpuPerTurnMs,
        better: "lower",
        target: { op: "<=", value: 1.3 * full.cpuPerTurnMs },
      },
      ...earlyRows,
      {
        name: `chunk yield→caller p99 (${fixedLoad} calls)`,
        unit: "ms",
        value: alone.framework.p99Ms,
        baseline: alone.baseline.p99Ms,
        better: "lower",
        target: { op: "<=", value: TARGET_P99_MS },
      },
    );
    const errorSamples = [...byWindow.at(-1)!.flat(), alone.framework, alone.baseline].flatMap(
      (point) => point.errorSamples,
    );
    if (errorSamples.length > 0) notes.push(`errors: ${errorSamples.join("; ")}`);
    const list = (rows: Point[][]) =>
      rows
        .map(
          (points) =>
            `${points.map((p) => p.cpuPerTurnMs.toFixed(2)).join(" / ")} (${ratio(points).toFixed(2)}×)`,
        )
        .join("; ");
    const windowStarts = windowStartsOf(steady);
    notes.push(
      `CPU per turn at ${fixedLoad} calls, framework / bare / bare speaking the whole protocol, side by side${pinned ? " (servers on CPU 0, callers on CPU 1)" : " (not pinned: no taskset or one CPU)"}, ${rounds} round(s), ${steady.measureMs / 1000} s windows (ms): ${byWindow
        .map((rows, w) => `from ${windowStarts[w]! / 1000} s in: ${list(rows)}`)
        .join(" | ")}`,
      "bare speaking the whole protocol: every frame of a generation carries its generation_id, and a generation_complete with its totals and metrics ends it — what the framework sends",
    );
    if (!quick) {
      const describe = (points: (Point & { samples: number })[]) =>
        points
          .map(
            (p) =>
              `${p.calls}→${p.p99Ms.toFixed(1)} ms, timers ${p.lateP50Ms.toFixed(1)} ms late, ${p.cpuPercent.toFixed(0)}% CPU, ${p.cpuPerTurnMs.toFixed(2)} ms a turn${p.samples > 1 ? ` (median of ${p.samples})` : ""}${p.errors > 0 ? ` (${p.errors} errors)` : ""}`,
          )
          .join(", ");
      for (const [label, count, repeats] of [
        ["1 process", 1, CAPACITY_SEARCHES],
        [`${workers} workers`, workers, 1],
      ] as const) {
        const searches: [CapacitySearch, CapacitySearch][] = [];
        for (let i = 0; i < repeats; i++) {
          const [framework, baseline] = (await capacities(
            ["framework", "baseline"],
            count,
            CAPACITY_PLAN,
            250,
            4_000,
          )) as [CapacitySearch, CapacitySearch];
          searches.push([framework, baseline]);
          errors += framework.points.filter(
            (p) => p.errors > 0 && p.calls <= framework.calls,
          ).length;
          const which = repeats > 1 ? `, search ${i + 1} of ${repeats}` : "";
          notes.push(
            `${label}${which}: framework ${framework.calls} / bare ${baseline.calls} calls; framework by load (p99 yield→caller, median pacing-timer lateness, server CPU in % of one core and per turn: one window's % moves with where in the calls' waves of turns it falls): ${describe(framework.points)}`,
          );
          notes.push(`${label}${which}, baseline by load: ${describe(baseline.points)}`);
        }
        const value = median(searches.map(([framework]) => framework.calls));
        const baseline = median(searches.map(([, bare]) => bare.calls));
        metrics.push({
          name: `calls served (p99 ≤ ${TARGET_P99_MS} ms, pace kept), ${label}${repeats > 1 ? `, median of ${repeats} searches` : ""}`,
          unit: "calls",
          value,
          baseline,
          better: "higher",
          target: { op: ">=", value: Math.round(baseline * 0.8) },
        });
      }
      notes.push(
        `capacity is the most calls a server serves with no error, its p99 yield→caller ≤ ${TARGET_P99_MS} ms and its pace kept: the median of its pacing timers wakes ≤ ${MAX_LATE_P50_MS} ms late (the p99 alone does not see a saturated server: its timers fire late and its answers slow down, but each chunk leaves quickly once yielded). One server per side, warmed ${CAPACITY_WARM_MS / 1000} s at the first load, the two sides' searches in step (one load of each in turn); fresh callers per load, measured ${CAPACITY_PLAN.warmMs / 1000}–${(CAPACITY_PLAN.warmMs + CAPACITY_PLAN.measureMs) / 1000} s after they connected; doubling from 250, then up to three bisections (to a 62-call step); a load within 80% of either bound is measured three times and its median decides`,
      );
    }
    notes.push(
      "each call: the user speaks 2–4 s (user_state speaking … message, idle), the agent answers 30–80 tokens at 50 tokens/s; callers run in their own process on the same machine (a single server process on CPU 0, its callers on CPU 1, where taskset is available; workers share both CPUs with the callers)",
      "latency is model yield → frame received by the caller (CLOCK_MONOTONIC shared by the processes)",
    );
    return {
      workload: "call-mix",
      description:
        "realistic calls (user 2–4 s, agent 30–80 tokens at 50 tokens/s): latency, CPU per turn and capacity, one process and workers, against bare ws",
      params: {
        warmMs: plan.warmMs,
        measureMs: plan.measureMs,
        cpuWindowsAtMs: windowStarts.join(" "),
        cpuWindowMs: steady.measureMs,
        pacingMs: PACING_MS,
        maxLateP50Ms: MAX_LATE_P50_MS,
        capacityWarmMs: CAPACITY_WARM_MS,
        capacityLoadWarmMs: CAPACITY_PLAN.warmMs,
        capacityLoadMeasureMs: CAPACITY_PLAN.measureMs,
        fixedLoad,
        workers,
      },
      metrics,
      invariants: [{ name: "errors", value: errors }],
      notes,
    };
  },
};

/** A server side: `call-mix.ts --serve framework|baseline <workers>`; a cluster when workers > 1. */
async function serve(side: Side, workers: number): Promise<void> {
  const start = (scripted: Script, hooks: AgentHooks) =>
    side === "framework"
      ? startFrameworkServer(scripted, hooks)
      : startBaselineServer(scripted, hooks, { fullProtocol: side === "baseline-full" });
  if (workers > 1 && cluster.isPrimary) {
    const children = Array.from({ length: workers }, () => cluster.fork());
    const sumCpu = async () => {
      const samples = await Promise.all(
        children.map((worker) => {
          const sample = reply<FromServer, "cpu">(worker, "cpu");
          worker.send({ cmd: "cpu" } satisfies ToServer);
          return sample;
        }),
      );
      process.send?.({
        event: "cpu",
        ns: samples.reduce((sum, sample) => sum + sample.ns, 0),
        late: Array.from({ length: LATE_BUCKETS }, (_, i) =>
          samples.reduce((sum, sample) => sum + sample.late[i]!, 0),
        ),
      } satisfies FromServer);
    };
    process.on("message", (message: ToServer) => {
      if (message.cmd === "cpu") void sumCpu();
    });
    // Every worker listens on the same shared port; wait for all of them. Each listener is in
    // place before any worker can answer: one added after awaiting the first worker missed a
    // second worker that was quicker (the capacity search then timed out starting the server).
    const [first] = await Promise.all(
      children.map((worker) => reply<FromServer, "listening">(worker, "listening")),
    );
    process.send?.({ event: "listening", url: first!.url } satisfies FromServer);
    return;
  }
  const running: RunningServer = await start(script, {});
  process.on("message", (message: ToServer) => {
    if (message.cmd !== "cpu") return;
    const ns = cpuNow();
    const late = Array.from(lateness);
    lateness.fill(0);
    process.send?.({ event: "cpu", ns, late } satisfies FromServer);
  });
  process.send?.({ event: "listening", url: running.wsUrl } satisfies FromServer);
}

if (process.argv[2] === "--serve" || cluster.isWorker) {
  const side = (process.argv[3] ?? "framework") as Side;
  await serve(side, Number(process.argv[4] ?? "1"));
}
