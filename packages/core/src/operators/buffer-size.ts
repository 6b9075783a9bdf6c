import type { OperatorFunction } from "rxjs";
import { endsSentence } from "./sentence-end.js";
import { textBufferOperator, type Chunker } from "./text-buffer-operator.js";
import { isBlank, type TextChunk, type TextOperatorOutput } from "./text-chunk.js";

/**
 * Options of {@link bufferSize}.
 * @example bufferSize({ size: 80 })
 */
export interface BufferSizeOptions {
  /** Emit once this many characters are held. Default 50. */
  readonly size?: number;
}

/**
 * Emits everything it holds once that reaches `size` characters or ends a sentence.
 *
 * The simplest chunker: no look-ahead, so it may cut mid-word at `size`. "Ends a sentence" means
 * the held text ends with `! ? 。 ！ ？ …` or a period that is not a decimal in progress ("$3.") or
 * an abbreviation ("Dr."), optionally followed by closing quotes and whitespace. Flushes on
 * complete and before non-text values; drops what it holds when the execution is interrupted.
 * Whitespace that arrives after the last emitted chunk and before the end has nothing to join
 * and is dropped.
 * @example bridge.on(UserStoppedSpeaking).stream(node.generate).pipe(bufferSize({ size: 80 })).broadcast()
 */
export function bufferSize<T = TextChunk>(
  options: BufferSizeOptions = {},
): OperatorFunction<T, TextOperatorOutput<T>> {
  const { size = 50 } = options;
  return textBufferOperator<T>((): Chunker => {
    let buffer = "";
    const take = (): string[] => {
      const chunk = buffer;
      buffer = "";
      return chunk === "" ? [] : [chunk];
    };
    return {
      push(text) {
        buffer += text;
        if (isBlank(buffer)) return [];
        return buffer.length >= size || endsSentence(buffer) ? take() : [];
      },
      flush: take,
    };
  });
}
