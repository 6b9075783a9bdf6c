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
 * Boundaries come from an incremental scanner (see `SentenceScanner`): `. ! ? …` before
 * whitespace and a capital, digit or opening quote, CJK and other scripts' marks without a space,
 * line breaks, ";" before a capitalised word, and the items of an inline list ("1) … 2) …",
 * "• … • …"); minus list markers ("1. ", "a. … b. "), abbreviations ("Dr. Smith", "U.S. Army",
 * "At 5 a.m. Mr. Smith", per `locale`), a lower-case word after "!" or "?", and marks inside an
 * open quotation (double or single quotes). Closing quotes and citations ("[1]") stay with their
 * sentence. A sentence goes
 * out once the text after it settles it (usually the next sentence's first character, at most
 * `MAX_LOOK_AHEAD` characters). Whatever is held is flushed when the source completes or a
 * non-text value (a `ToolCall`, …) comes through, and dropped when the execution is interrupted.
 * The chunks concatenate to exactly the input text, however it was cut into chunks.
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
