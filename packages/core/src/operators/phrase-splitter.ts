import { createAbbreviationGuard, type AbbreviationOptions } from "./abbreviations.js";
import type { Split, Splitter } from "./text-buffer-operator.js";

/**
 * A phrase ends at `, . : ; ! ?` (closing quotes allowed) followed by whitespace, or at CJK
 * full-width punctuation, which takes no space after it.
 */
const PHRASE_END = /[,.:;!?]["'”’»)\]]*\s+|[，。：；！？、][」』）”’]*\s*/gu;

/**
 * Splits text into phrases of at least `minLength` characters, trailing whitespace included.
 * @example createPhraseSplitter(5)("Hello, world, how", false) // { chunks: ["Hello, ", "world, "], rest: "how" }
 */
export function createPhraseSplitter(
  minLength: number,
  options: AbbreviationOptions = {},
): Splitter {
  const guard = createAbbreviationGuard(options);
  return (buffer, final): Split => {
    const chunks: string[] = [];
    let start = 0;
    PHRASE_END.lastIndex = 0;
    for (let match = PHRASE_END.exec(buffer); match !== null; match = PHRASE_END.exec(buffer)) {
      const end = match.index + match[0].length;
      // The whitespace run (or the closing quotes) may still grow: wait for the next word.
      if (end === buffer.length && !final) break;
      if (end - start < minLength) continue;
      if (match[0].startsWith(".")) {
        const before = buffer.slice(start, match.index + 1);
        if (guard.isFalseBoundary(before, buffer.slice(match.index + 1))) continue;
      }
      chunks.push(buffer.slice(start, end));
      start = end;
    }
    if (final) {
      chunks.push(buffer.slice(start));
      return { chunks, rest: "" };
    }
    return { chunks, rest: buffer.slice(start) };
  };
}
