import type { Chunker } from "./text-buffer-operator.js";
import { SentenceScanner, type SentenceScannerOptions } from "./sentence-scanner.js";

/**
 * A chunker that cuts at the boundaries a {@link SentenceScanner} finds: at every one, or, with
 * `minLength`, at the first one at least that many characters after the last cut.
 *
 * Text is held as the pieces that arrived and joined only when a chunk goes out, so a long stream
 * without a boundary costs linear time.
 * @example createBoundaryChunker({}).push("Hi. How") // ["Hi. "]
 */
export function createBoundaryChunker(options: SentenceScannerOptions, minLength = 0): Chunker {
  const scanner = new SentenceScanner(options);
  let pieces: string[] = [];
  /** The stream offset of the first held character. */
  let heldStart = 0;

  const cut = (offsets: readonly number[]): string[] => {
    const chosen: number[] = [];
    let last = heldStart;
    for (const offset of offsets) {
      if (offset - last < minLength) continue;
      chosen.push(offset);
      last = offset;
    }
    if (chosen.length === 0) return [];
    const held = pieces.join("");
    const chunks: string[] = [];
    let from = heldStart;
    for (const offset of chosen) {
      chunks.push(held.slice(from - heldStart, offset - heldStart));
      from = offset;
    }
    pieces = [held.slice(from - heldStart)];
    heldStart = from;
    return chunks;
  };

  return {
    push(text) {
      pieces.push(text);
      return cut(scanner.push(text).map((boundary) => boundary.offset));
    },
    flush() {
      const chunks = cut(scanner.finish().map((boundary) => boundary.offset));
      chunks.push(pieces.join(""));
      pieces = [];
      heldStart = 0;
      return chunks;
    },
  };
}
