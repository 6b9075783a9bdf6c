import { createAbbreviationGuard, type AbbreviationOptions } from "./abbreviations.js";
import type { Split, Splitter } from "./text-buffer-operator.js";

/**
 * A boundary is only certain once a letter follows it: `Intl.Segmenter` breaks "Hello. 1" but
 * not "Hello. 1 apple", "He paid $3." may go on "50", and "Dr. S…" may be "Dr. Smith". The
 * segmenter's look-ahead stops at the first letter, so after one it never changes its mind.
 */
const SETTLED = /\p{L}/u;

/**
 * Splits text into whole sentences: `Intl.Segmenter` boundaries, minus those that follow an
 * abbreviation, minus those that more text could still undo.
 * @example createSentenceSplitter()("Dr. Smith paid $3.50. Then", false) // { chunks: ["Dr. Smith paid $3.50. "], rest: "Then" }
 */
export function createSentenceSplitter(options: AbbreviationOptions = {}): Splitter {
  const segmenter = new Intl.Segmenter(options.locale, { granularity: "sentence" });
  const guard = createAbbreviationGuard(options);
  return (buffer, final): Split => {
    const chunks: string[] = [];
    let start = 0;
    for (const { index } of segmenter.segment(buffer)) {
      if (index === 0) continue;
      const after = buffer.slice(index);
      if (!final && !SETTLED.test(after)) break;
      if (guard.isFalseBoundary(buffer.slice(start, index), after)) continue;
      chunks.push(buffer.slice(start, index));
      start = index;
    }
    if (final) {
      chunks.push(buffer.slice(start));
      return { chunks, rest: "" };
    }
    return { chunks, rest: buffer.slice(start) };
  };
}
