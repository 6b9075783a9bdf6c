import type { OperatorFunction } from "rxjs";
import type { AbbreviationOptions } from "./abbreviations.js";
import { createBoundaryChunker } from "./boundary-chunker.js";
import { textBufferOperator } from "./text-buffer-operator.js";
import type { TextChunk, TextOperatorOutput } from "./text-chunk.js";

/**
 * Options of {@link bufferPhrases}.
 * @example bufferPhrases({ minLength: 30 })
 */
export interface BufferPhrasesOptions extends AbbreviationOptions {
  /** The shortest phrase worth emitting, trailing whitespace included. Default 20. */
  readonly minLength?: number;
}

/**
 * Emits phrases: the shortest prefix of the held text that is at least `minLength` characters
 * and ends at `, : ; ! ?` followed by whitespace (which stays with the phrase), at CJK `，、：；`,
 * or where {@link bufferSentences} would end a sentence.
 *
 * Lower latency than {@link bufferSentences} at the cost of less prosody context for TTS. A "."
 * that ends no sentence ("Dr. ", "5 p.m. sharp", "1. ") never ends a phrase. Flushes on complete
 * and before non-text values; drops what it holds when the execution is interrupted. The chunks
 * concatenate to exactly the input text.
 * @example bridge.on(UserStoppedSpeaking).stream(node.generate).pipe(bufferPhrases({ minLength: 30 })).broadcast()
 */
export function bufferPhrases<T = TextChunk>(
  options: BufferPhrasesOptions = {},
): OperatorFunction<T, TextOperatorOutput<T>> {
  const { minLength = 20 } = options;
  return textBufferOperator<T>(() =>
    createBoundaryChunker({ ...options, phrases: true }, minLength),
  );
}
