import { describe, expectTypeOf, it } from "vitest";
import { bufferPhrases, type BufferPhrasesOptions } from "./buffer-phrases.js";
import { bufferSentences, type BufferSentencesOptions } from "./buffer-sentences.js";

describe("bufferSentences options", () => {
  it("take a locale, extra abbreviations and extra terminators", () => {
    expectTypeOf<BufferSentencesOptions>().toEqualTypeOf<{
      readonly abbreviations?: Iterable<string>;
      readonly locale?: string;
      readonly terminators?: string;
    }>();
    bufferSentences({ locale: "it", abbreviations: ["Spett."], terminators: ";" });
  });

  it("bufferPhrases takes minLength, a locale and extra abbreviations", () => {
    expectTypeOf<BufferPhrasesOptions>().toEqualTypeOf<{
      readonly abbreviations?: Iterable<string>;
      readonly locale?: string;
      readonly minLength?: number;
    }>();
    bufferPhrases({ locale: "de", minLength: 30 });
  });

  it("rejects options of the wrong type", () => {
    // @ts-expect-error terminators is a string of characters
    bufferSentences({ terminators: [";"] });
    // @ts-expect-error locale is a BCP 47 string
    bufferPhrases({ locale: 7 });
  });
});
