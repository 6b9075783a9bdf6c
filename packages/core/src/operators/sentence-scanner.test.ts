import { describe, expect, it } from "vitest";
import { bufferPhrases } from "./buffer-phrases.js";
import { bufferSentences } from "./buffer-sentences.js";
import { SentenceScanner } from "./sentence-scanner.js";
import { streamThrough } from "./testing/chunking-vectors.js";
import { randomSplit, seededRandom } from "./testing/seeded-splits.js";

describe("SentenceScanner", () => {
  it("reports a boundary once the next sentence starts, as a stream offset", () => {
    const scanner = new SentenceScanner();
    expect(scanner.push("Hi there. ")).toEqual([]);
    expect(scanner.push("How")).toEqual([{ offset: 10, sentence: true }]);
    expect(scanner.push(" are you? Fine")).toEqual([{ offset: 23, sentence: true }]);
    expect(scanner.finish()).toEqual([]);
  });

  it("starts over after finish", () => {
    const scanner = new SentenceScanner();
    scanner.push("One. Two");
    scanner.finish();
    expect(scanner.push("Three. Four")).toEqual([{ offset: 7, sentence: true }]);
  });

  it("reports phrase ends as such in phrase mode", () => {
    const scanner = new SentenceScanner({ phrases: true });
    expect(scanner.push("Well, yes. No")).toEqual([
      { offset: 6, sentence: false },
      { offset: 11, sentence: true },
    ]);
  });

  it("decides a quote standing alone after a sentence from the same text however it arrives", () => {
    // Looking ahead for its closing partner once read a quote at the end of what had arrived
    // as one with a space after it.
    const text = ")The... '' The'sThe'''s\"Dr...'I\n1. ...Army";
    const whole = streamThrough(bufferSentences<string>(), [text]);
    expect(whole.join("")).toBe(text);
    expect(streamThrough(bufferSentences<string>(), [...text])).toEqual(whole);
  });

  // Punctuation soup: abbreviations, quotes, citations, list markers, long words, line breaks.
  const atoms = [
    " ",
    " ",
    " ",
    ".",
    ".",
    "!",
    "?",
    '"',
    "'",
    "''",
    "[1]",
    "[",
    "]",
    "1",
    "12",
    "a",
    "I",
    "The",
    "U.S.",
    "a.m.",
    "Mr.",
    "Dr",
    "Army",
    "\n",
    "\n1. ",
    "a. ",
    "(",
    ")",
    "«",
    "»",
    "-",
    ":",
    ";",
    ",",
    "。",
    "你",
    "...",
    "…",
    "e.g.",
    "Then",
    "x".repeat(70),
    "At",
    "et al.",
    "Б",
    "•",
    "1)",
    "2)",
    "b.",
    "`",
    "'s",
    "; T",
  ];

  it("is lossless and split-invariant on 200 random punctuation-heavy texts", () => {
    const random = seededRandom(16);
    const operators = [
      () => bufferSentences<string>(),
      () => bufferSentences<string>({ locale: "ru", terminators: ";" }),
      () => bufferPhrases<string>({ minLength: 3 }),
    ];
    for (let t = 0; t < 200; t++) {
      let text = "";
      const count = 5 + Math.floor(random() * 60);
      for (let i = 0; i < count; i++) text += atoms[Math.floor(random() * atoms.length)] ?? "";
      for (const operator of operators) {
        const whole = streamThrough(operator(), [text]);
        expect([text, text.trimEnd()]).toContain(whole.join(""));
        for (const pieces of [[...text], randomSplit(text, random, 5)]) {
          expect(streamThrough(operator(), pieces), JSON.stringify(pieces)).toEqual(whole);
        }
      }
    }
  });
});
