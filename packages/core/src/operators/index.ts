export { bufferSentences, type BufferSentencesOptions } from "./buffer-sentences.js";
export { bufferPhrases, type BufferPhrasesOptions } from "./buffer-phrases.js";
export { bufferSize, type BufferSizeOptions } from "./buffer-size.js";
export { fillerAfter, type FillerAfterOptions } from "./filler-after.js";
export {
  mergeStreams,
  type MergedStream,
  type StreamInput,
  type StreamValue,
} from "./merge-streams.js";
export type { AbbreviationOptions } from "./abbreviations.js";
export type { TextChunk, TextOperatorOutput } from "./text-chunk.js";
