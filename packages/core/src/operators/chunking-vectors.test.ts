import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETS, scoreSet } from "./testing/chunking-vectors.js";

/**
 * The ratchet: every peer vector in `../shared/chunking-vectors`, streamed whole, a character at a
 * time, as BPE-like tokens and in seeded random 1–6 character pieces. A case passes only when every
 * split gives the peer's sentences. A set may never pass fewer cases, nor fail more of them by
 * cutting a sentence the peer keeps whole, than recorded in `chunking-rates.json`; update the
 * record when a change does better.
 */
const recorded = JSON.parse(
  readFileSync(new URL("./chunking-rates.json", import.meta.url), "utf8"),
) as Record<string, { passed: number; total: number; falseSplits: number }>;

describe("bufferSentences on the peers' test sets (ratchet)", () => {
  const scores = new Map(SETS.map((set) => [set, scoreSet(set)]));

  it.each(SETS.map((set) => [set] as const))("passes at least the recorded cases of %s", (set) => {
    const score = scores.get(set) ?? scoreSet(set);
    const record = recorded[set];
    expect(record, `no record for ${set} in chunking-rates.json`).toBeDefined();
    expect(score.total).toBe(record?.total);
    const failed = score.failures.map(
      (f) => `${f.case.id}: ${JSON.stringify(f.actual)} from ${JSON.stringify(f.pieces)}`,
    );
    expect(score.passed, `${set} failures:\n${failed.join("\n")}`).toBeGreaterThanOrEqual(
      record?.passed ?? Infinity,
    );
    expect(score.falseSplits, `${set} false splits:\n${failed.join("\n")}`).toBeLessThanOrEqual(
      record?.falseSplits ?? 0,
    );
  });

  it("never loses or reorders text on any split of any vector", () => {
    const lossy = [...scores.values()].flatMap((score) => score.failures.filter((f) => f.lossy));
    expect(lossy.map((f) => `${f.case.id}: ${JSON.stringify(f.pieces)}`)).toEqual([]);
  });
});
