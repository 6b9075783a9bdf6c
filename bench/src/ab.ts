/**
 * A/B of two or more builds of the framework: CPU per turn of each build's server under the same
 * call mix, side by side (`pnpm bench:ab <checkout> <checkout> …`). Each checkout is a repository
 * root with a built bench (`pnpm build` there); the first is the reference, each other's ratio is
 * reported against it. One single-process server per build, all pinned to CPU 0 and their callers
 * to CPU 1, so what the machine does at a moment it does to every build alike; the median of the
 * per-round ratios resolves about 2% in six rounds, where runs one after the other drift ±20%.
 *
 * Options: --rounds (6), --calls (400), --warm seconds (15), --measure seconds (10),
 * --side framework|baseline|baseline-full (framework), --quick (1 round, 50 calls, 2 + 3 s: CI's
 * check that the tool works, not a measurement).
 * Exit code 1 when a call failed or a round measured nothing.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { median } from "./lib/stats.js";
import {
  measureSideBySide,
  QUICK_CALLS,
  QUICK_PLAN,
  SIDES,
  type ServerSpec,
  type Side,
} from "./workloads/call-mix.js";

function fail(message: string): never {
  process.stderr.write(`bench:ab: ${message}\n`);
  process.exit(2);
}

function positive(name: string, text: string, integer = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    fail(`--${name} must be a positive ${integer ? "whole " : ""}number, not "${text}"`);
  }
  return value;
}

/** The command line; a mistake in it is a usage error, not a stack trace. */
function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        rounds: { type: "string", default: "6" },
        calls: { type: "string", default: "400" },
        warm: { type: "string", default: "15" },
        measure: { type: "string", default: "10" },
        side: { type: "string", default: "framework" },
        quick: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const { values, positionals } = parseCommandLine();

const isSide = (text: string): text is Side => (SIDES as readonly string[]).includes(text);
const side = values.side;
if (!isSide(side)) fail(`--side must be one of ${SIDES.join(", ")}, not "${side}"`);
if (positionals.length < 2) {
  fail("name two checkouts or more (repository roots with a built bench), the reference first");
}
const checkouts = positionals.map((checkout) => resolve(checkout));
const specs: ServerSpec[] = checkouts.map((checkout) => {
  const module = resolve(checkout, "bench/dist/workloads/call-mix.js");
  if (!existsSync(module)) fail(`no ${module}: run \`pnpm build\` in ${checkout} first`);
  return { side, module };
});
const rounds = values.quick ? 1 : positive("rounds", values.rounds, true);
const calls = values.quick ? QUICK_CALLS : positive("calls", values.calls, true);
const plan = values.quick
  ? QUICK_PLAN
  : {
      warmMs: positive("warm", values.warm) * 1000,
      measureMs: positive("measure", values.measure) * 1000,
    };

/** Per build, its CPU per turn in each round (ms). */
const perTurn: number[][] = specs.map(() => []);
let failed = false;
process.stdout.write(
  `bench:ab: ${side} of ${specs.length} builds side by side, ${calls} calls, ${rounds} round(s), measured ${plan.warmMs / 1000}–${(plan.warmMs + plan.measureMs) / 1000} s in\n`,
);
for (let round = 0; round < rounds; round++) {
  const { windows, pinned } = await measureSideBySide(specs, calls, plan, round);
  const points = windows[0]!;
  const cells = points.map((point, i) => {
    perTurn[i]!.push(point.cpuPerTurnMs);
    if (point.errors > 0 || point.turns === 0) failed = true;
    return `${point.cpuPerTurnMs.toFixed(3)} ms (${point.turns} turns, p99 ${point.p99Ms.toFixed(2)} ms, ${point.errors} errors)`;
  });
  const ratios = points
    .slice(1)
    .map((point) => (points[0]!.cpuPerTurnMs / point.cpuPerTurnMs).toFixed(3));
  process.stdout.write(
    `round ${round + 1}${pinned ? "" : " (not pinned: no taskset or one CPU)"}: ${cells.join(" | ")}; reference ÷ others ${ratios.join(", ")}\n`,
  );
}
checkouts.forEach((checkout, i) => {
  const line = `${checkout}: median ${median(perTurn[i]!).toFixed(3)} ms a turn`;
  if (i === 0) {
    process.stdout.write(`${line} (reference)\n`);
    return;
  }
  const ratios = perTurn[0]!.map((reference, round) => reference / perTurn[i]![round]!);
  process.stdout.write(
    `${line}; reference ÷ this, median of the rounds' ratios ${median(ratios).toFixed(3)} (${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})\n`,
  );
});
if (failed) {
  process.stderr.write("bench:ab: a call failed or a round measured no turn\n");
  process.exit(1);
}
