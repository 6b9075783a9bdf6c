/**
 * Prints bench/results/latest.json as the Markdown table BENCHMARKS.md carries:
 *   npx tsx bench/src/markdown.ts [path/to/results.json]
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { tableRows } from "./lib/table.js";
import type { WorkloadResult } from "./lib/result.js";

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, "..", "results", "latest.json");
const report = JSON.parse(readFileSync(file, "utf8")) as {
  command: string;
  date: string;
  git: { commit: string; dirty: boolean };
  machine: { nproc: number; cpu: string; node: string; loadAverage1mBefore: number };
  durationSeconds: number;
  results: WorkloadResult[];
};

const [header, ...rows] = tableRows(report.results);
const escape = (cell: string) => cell.replaceAll("|", "\\|");
console.log(
  `\`${report.command}\` · ${report.date.slice(0, 16).replace("T", " ")} UTC · commit ${report.git.commit.slice(0, 7)}${report.git.dirty ? " (dirty)" : ""} · ` +
    `${report.machine.nproc} × ${report.machine.cpu} · Node ${report.machine.node} · load before ${report.machine.loadAverage1mBefore.toFixed(2)} · ${report.durationSeconds} s\n`,
);
console.log(`| ${header!.map(escape).join(" | ")} |`);
console.log(`| ${header!.map((_, i) => (i >= 2 && i <= 4 ? "---:" : "---")).join(" | ")} |`);
for (const row of rows) console.log(`| ${row.map(escape).join(" | ")} |`);
