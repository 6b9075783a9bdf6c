import { costRatio, meetsTarget, type Metric, type WorkloadResult } from "./result.js";

function formatNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return "–";
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString("en-US");
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

function formatTarget(metric: Metric): string {
  return metric.target === undefined
    ? ""
    : `${metric.target.op} ${formatNumber(metric.target.value)}`;
}

function status(metric: Metric): string {
  const met = meetsTarget(metric);
  return met === undefined ? "" : met ? "PASS" : "MISS";
}

/** One row per metric and one per invariant, as plain text for the terminal. */
export function tableRows(results: readonly WorkloadResult[]): string[][] {
  const rows: string[][] = [
    ["workload", "metric", "switchboard", "baseline", "cost ×", "target", "status"],
  ];
  for (const result of results) {
    for (const metric of result.metrics) {
      const ratio = costRatio(metric);
      rows.push([
        result.workload,
        `${metric.name} (${metric.unit})`,
        formatNumber(metric.value),
        formatNumber(metric.baseline),
        ratio === undefined ? "" : ratio.toFixed(2),
        formatTarget(metric),
        status(metric),
      ]);
    }
    for (const invariant of result.invariants) {
      rows.push([
        result.workload,
        invariant.name,
        String(invariant.value),
        "",
        "",
        "= 0",
        invariant.value === 0 ? "PASS" : "FAIL",
      ]);
    }
  }
  return rows;
}

export function formatTable(results: readonly WorkloadResult[]): string {
  const rows = tableRows(results);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const numeric = new Set([2, 3, 4]);
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [
    line(rows[0]!),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}
