import { ScriptedChat } from "@switchboard/openai";
import { describe, expect, it } from "vitest";
import { measureChunking } from "./chunking-strategies.js";

const llm = () => new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 2 });
const measure = (strategy: "word" | "phrase" | "sentence") =>
  measureChunking(llm(), strategy, "Tell me, briefly, how chunking works");

describe("Atoms pattern: chunking strategies side by side", () => {
  it("cuts the same answer by word, phrase and sentence, and measures what each holds back", async () => {
    const word = await measure("word");
    const phrase = await measure("phrase");
    const sentence = await measure("sentence");

    // Lossless: the three carry the same text.
    expect(phrase.chunks.join("")).toBe(word.chunks.join(""));
    expect(sentence.chunks.join("")).toBe(word.chunks.join(""));

    // Word: one token per chunk, nothing held back.
    expect(word.tokensHeld).toBe(0);
    // Phrase: at a pause, at least 20 characters.
    expect(phrase.chunks[0]!.length).toBeGreaterThanOrEqual(20);
    expect(phrase.chunks[0]).toMatch(/[,.:;!?]\s$/);
    // Sentence: the whole first sentence.
    expect(sentence.chunks[0]).toBe('You said: "Tell me, briefly, how chunking works". ');
    expect(word.tokensHeld).toBeLessThan(phrase.tokensHeld);
    expect(phrase.tokensHeld).toBeLessThan(sentence.tokensHeld);
    expect(sentence.chunks.length).toBeLessThan(phrase.chunks.length);
    expect(phrase.chunks.length).toBeLessThan(word.chunks.length);
    for (const m of [word, phrase, sentence]) expect(m.ttfcMs).toBeGreaterThanOrEqual(0);
  });
});
