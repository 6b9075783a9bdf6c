import type { OperatorFunction } from "rxjs";
import type { AbbreviationOptions } from "./abbreviations.js";
import { createBoundaryChunker } from "./boundary-chunker.js";
import { textBufferOperator } from "./text-buffer-operator.js";
import type { TextChunk, TextOperatorOutput } from "./text-chunk.js";

/**
 * Options of {@link bufferSentences}.
 * @example bufferSentences({ locale: "de", abbreviations: ["Bsp."] })
 */
export interface BufferSentencesOptions extends AbbreviationOptions {
  /**
   * Extra characters that end a sentence, e.g. `";；؛"` for a TTS that should pause fully at
   * semicolons. Default none.
   */
  readonly terminators?: string;
}

/**
 * Emits whole sentences, each as one `AgentResponse`, as soon as the sentence's end is certain.
 *
 * Boundaries come from `Intl.Segmenter` (granularity "sentence", so `。`, `？`, `¿…?` work), minus
 * false ones after abbreviations ("Dr. Smith", "e.g. John", "No. 5", initials) and minus those
 * more text could undo: a sentence goes out only once text after it has arrived, since a trailing
 * "." may be a decimal ("$3." + "50") or an abbreviation in progress. Whatever is held is flushed
 * when the source completes or a non-text value (a `ToolCall`, …) comes through, and dropped
 * when the execution is interrupted. The chunks concatenate to exactly the input text.
 * @example
 * bridge
 *   .on(UserStoppedSpeaking)
 *   .interruptOn(UserStartedSpeaking)
 *   .stream(node.generate)
 *   .pipe(bufferSentences())
 *   .broadcast();
 */
export function bufferSentences<T = TextChunk>(
  options: BufferSentencesOptions = {},
): OperatorFunction<T, TextOperatorOutput<T>> {
  return textBufferOperator<T>(() => createBoundaryChunker(options));
}
