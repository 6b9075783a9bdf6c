/**
 * The benchmark runner (`pnpm bench`, `pnpm bench:quick`). Each workload runs in its own child
 * process (node --expose-gc, tsx's loader), so one workload's heap and JIT state never colour
 * another's, and a crash is reported instead of taking the suite down.
 *
 * Flags: --quick (small counts; CI), --only=route,stream (a subset).
 * Exit code 1 only when a workload crashes or breaks an invariant (stale chunks, errors, leaks),
 * never for speed: CI machines vary.
 */
import { execFileSync, fork } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { formatTable } from "./lib/table.js";
import { siblingModule } from "./lib/module-file.js";
import type { WorkloadResult } from "./lib/result.js";
import { workloadNames } from "./workloads/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..", "..");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args
  .find((arg) => arg.startsWith("--only="))
  ?.slice("--only=".length)
  .split(",");
const selected = workloadNames.filter((name) => only === undefined || only.includes(name));
/**
 * How long a workload may run before it counts as hung: call-mix reads CPU 45 s into five runs
 * and searches capacity 8 ways (a side's single process three times, its two workers once; each
 * load ~25 s, one near the limit measured three times; ~50 minutes), interrupt runs 2,000 paced
 * cycles a side.
 */
const childTimeoutMs = (name: string) =>
  quick ? 45_000 : name === "call-mix" ? 4_200_000 : name === "interrupt" ? 300_000 : 180_000;

interface Outcome {
  name: string;
  result?: WorkloadResult;
  failure?: string;
  seconds: number;
}

function runChild(name: string): Promise<Outcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = fork(
      siblingModule(import.meta.url, "child"),
      [name, ...(quick ? ["--quick"] : [])],
      {
        execArgv: ["--expose-gc", ...process.execArgv],
        env: { ...process.env, LOG_LEVEL: "silent" },
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    );
    let result: WorkloadResult | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), childTimeoutMs(name));
    child.on("message", (message: { result?: WorkloadResult }) => {
      result = message.result;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      if (result !== undefined && code === 0) resolve({ name, result, seconds });
      else
        resolve({
          name,
          seconds,
          failure:
            signal === "SIGKILL"
              ? `killed after ${childTimeoutMs(name)} ms`
              : `exited with ${signal ?? code}`,
        });
    });
  });
}

function git(...gitArgs: string[]): string {
  try {
    return execFileSync("git", gitArgs, { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function machine() {
  return {
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? "unknown",
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage1m: os.loadavg()[0],
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const suiteStarted = performance.now();
const loadBefore = os.loadavg()[0];
const outcomes: Outcome[] = [];
for (const name of selected) {
  process.stderr.write(`bench: ${name}${quick ? " (quick)" : ""}…\n`);
  const outcome = await runChild(name);
  process.stderr.write(
    `bench: ${name} ${outcome.failure ?? "done"} in ${outcome.seconds.toFixed(1)} s\n`,
  );
  outcomes.push(outcome);
}

const results = outcomes.flatMap((o) => (o.result === undefined ? [] : [o.result]));
const failures = [
  ...outcomes.flatMap((o) => (o.failure === undefined ? [] : [`${o.name}: ${o.failure}`])),
  ...results.flatMap((r) =>
    r.invariants.filter((i) => i.value !== 0).map((i) => `${r.workload}: ${i.name} = ${i.value}`),
  ),
];

console.log(formatTable(results));
for (const r of results) for (const note of r.notes) console.log(`  ${r.workload}: ${note}`);

const report = {
  command: quick ? "pnpm bench:quick" : "pnpm bench",
  date: new Date().toISOString(),
  git: {
    commit: git("rev-parse", "HEAD"),
    dirty: git("status", "--porcelain", "--", "packages", "bench") !== "",
  },
  machine: { ...machine(), loadAverage1mBefore: loadBefore },
  durationSeconds: Math.round((performance.now() - suiteStarted) / 100) / 10,
  seconds: Object.fromEntries(outcomes.map((o) => [o.name, Math.round(o.seconds * 10) / 10])),
  failures,
  results,
};
const outDir = join(repoRoot, "bench", "results");
mkdirSync(outDir, { recursive: true });
const outFile = join(
  outDir,
  quick ? "quick.json" : only === undefined ? "latest.json" : "partial.json",
);
writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
console.log(
  `\n${selected.length} workloads in ${report.durationSeconds} s · ${relative(repoRoot, outFile)}`,
);

if (failures.length > 0) {
  console.error(`\nbench: FAILED\n  ${failures.join("\n  ")}`);
  process.exitCode = 1;
}
