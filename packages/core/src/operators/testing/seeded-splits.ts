import { lastValueFrom, from, toArray, type OperatorFunction } from "rxjs";
import { AgentResponse } from "../../events.js";

/** A small deterministic PRNG (mulberry32), so property tests fail the same way every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts `text` into pieces of 1–`maxPiece` characters at random (LLM-token-like, mid-word too). */
export function randomSplit(text: string, random: () => number, maxPiece = 8): string[] {
  const pieces: string[] = [];
  const chars = [...text]; // never cut a surrogate pair
  for (let i = 0; i < chars.length;) {
    const length = 1 + Math.floor(random() * maxPiece);
    pieces.push(chars.slice(i, i + length).join(""));
    i += length;
  }
  return pieces;
}

/** Runs `pieces` through `operator` and returns the emitted values. */
export function runOperator<I, O>(
  operator: OperatorFunction<I, O>,
  pieces: readonly I[],
): Promise<O[]> {
  return lastValueFrom(from(pieces).pipe(operator, toArray()));
}

/** The text of every emitted `AgentResponse` (fails the test on anything else). */
export function contents(values: readonly unknown[]): string[] {
  return values.map((value) => {
    if (!(value instanceof AgentResponse))
      throw new Error(`expected an AgentResponse, got ${String(value)}`);
    return value.content;
  });
}
