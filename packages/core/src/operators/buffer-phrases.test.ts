import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { AgentResponse, ToolCall } from "../events.js";
import { bufferPhrases, type BufferPhrasesOptions } from "./buffer-phrases.js";
import { contents, randomSplit, runOperator, seededRandom } from "./testing/seeded-splits.js";

async function phrases(
  pieces: readonly string[],
  options: BufferPhrasesOptions = {},
): Promise<string[]> {
  return contents(await runOperator(bufferPhrases(options), pieces));
}

describe("bufferPhrases", () => {
  describe("boundaries", () => {
    it("emits the shortest prefix of at least 20 characters ending at punctuation and a space", async () => {
      // "Well, " (6) is too short; "Well, that is true, " (20) is the first long enough;
      // "but not always. " (16) is too short again, so the phrase runs on to "Ok, " (20).
      expect(
        await phrases(["Well, that is true, but not always. ", "Ok, then it is settled. ", "Bye"]),
      ).toEqual(["Well, that is true, ", "but not always. Ok, ", "then it is settled. ", "Bye"]);
    });

    it("counts the boundary's trailing space in minLength", async () => {
      // "abcdefghijklmnopqr, " is exactly 20 characters with its space.
      expect(await phrases(["abcdefghijklmnopqr, x"])).toEqual(["abcdefghijklmnopqr, ", "x"]);
      expect(await phrases(["abcdefghijklmnopq, x"])).toEqual(["abcdefghijklmnopq, x"]);
    });

    it.each([",", ":", ";", "!", "?"])(
      "ends a phrase at '%s' followed by a space",
      async (mark) => {
        expect(await phrases([`one two${mark} three`], { minLength: 1 })).toEqual([
          `one two${mark} `,
          "three",
        ]);
      },
    );

    it("ends a phrase at a '.' that ends a sentence", async () => {
      expect(await phrases(["one two. Three"], { minLength: 1 })).toEqual(["one two. ", "Three"]);
    });

    it.each([
      ["a time", "We meet at 5 p.m. sharp. Bring snacks."],
      ["an abbreviation", "We met Dr. Smith and Mrs. Jones today. Bring snacks."],
      ["a lower-case word", "It costs approx. five dollars. Bring snacks."],
      ["a list item", "1. Bring snacks and drinks. Bring snacks."],
      ["a letter enumeration", "a. The first item b. The second item. Bring snacks."],
      ["an enumerator closing with '.)'", "a.) The first item c.) The second. Bring snacks."],
    ])("never cuts at a '.' that ends no sentence (%s)", async (_name, text) => {
      const cut = text.lastIndexOf("Bring snacks.");
      expect(await phrases(randomSplit(text, seededRandom(3), 5), { minLength: 1 })).toEqual([
        text.slice(0, cut),
        "Bring snacks.",
      ]);
    });

    it("keeps the whole whitespace run with the phrase it ends", async () => {
      expect(await phrases(["one,", " ", " \n", "two"], { minLength: 1 })).toEqual([
        "one,  \n",
        "two",
      ]);
    });

    it("waits for the next word before emitting (the space run may grow)", () => {
      const input = new Subject<string>();
      const out: string[] = [];
      input.pipe(bufferPhrases({ minLength: 1 })).subscribe((r) => out.push(r.content));
      input.next("Hi,");
      input.next(" ");
      expect(out).toEqual([]);
      input.next("you");
      expect(out).toEqual(["Hi, "]);
    });

    it("does not end a phrase without a space ('3.50', '10:30', 'a,b')", async () => {
      expect(await phrases(["It is $3.50 at 10:30 for a,b and more"], { minLength: 1 })).toEqual([
        "It is $3.50 at 10:30 for a,b and more",
      ]);
    });

    it("does not end a phrase after an abbreviation ('Dr. ')", async () => {
      expect(await phrases(["Please call Dr. Smith now, or later."], { minLength: 5 })).toEqual([
        "Please call Dr. Smith now, ",
        "or later.",
      ]);
    });

    it("allows closing quotes between the punctuation and the space", async () => {
      expect(await phrases(['He said "yes," then left.'], { minLength: 5 })).toEqual([
        'He said "yes," ',
        "then left.",
      ]);
    });

    it("ends phrases at CJK full-width punctuation without a space", async () => {
      expect(await phrases(["你好，", "我很好。你呢", "？"], { minLength: 2 })).toEqual([
        "你好，",
        "我很好。",
        "你呢？",
      ]);
    });

    it("flushes a short tail on complete", async () => {
      expect(await phrases(["Short"])).toEqual(["Short"]);
    });
  });

  describe("values and lifecycle", () => {
    it("passes a tool call through in order, flushing the held text before it", async () => {
      const call = new ToolCall({ toolName: "lookup" });
      const out = await runOperator(bufferPhrases<string | ToolCall>({ minLength: 5 }), [
        "Hold on, let me",
        call,
        " see.",
      ]);
      expect(out.map((v) => (v instanceof AgentResponse ? v.content : v))).toEqual([
        "Hold on, ",
        "let me",
        call,
        " see.",
      ]);
    });

    it("accepts AgentResponse and passes non-text chunks through", async () => {
      const audio = new AgentResponse({ content: "x", chunkType: "audio" });
      const out = await runOperator(bufferPhrases({ minLength: 1 }), [
        new AgentResponse({ content: "a, b" }),
        audio,
      ]);
      expect(out[0]).toEqual(new AgentResponse({ content: "a, " }));
      expect(out[1]).toEqual(new AgentResponse({ content: "b" }));
      expect(out[2]).toBe(audio);
    });

    it("drops the held phrase when unsubscribed", () => {
      const input = new Subject<string>();
      const out: string[] = [];
      const subscription = input
        .pipe(bufferPhrases({ minLength: 1 }))
        .subscribe((r) => out.push(r.content));
      input.next("First, second");
      subscription.unsubscribe();
      input.complete();
      expect(out).toEqual(["First, "]);
    });

    it("emits nothing for a whitespace-only stream", async () => {
      expect(await phrases([" ", "\n", "  "])).toEqual([]);
    });
  });

  describe("properties", () => {
    const texts = [
      "Well, I think so: yes; maybe! Are you sure? Dr. Smith, the dentist, paid $3.50 at 10:30. Done.",
      "  Spaces,   everywhere.  \n\nNew paragraph, here!  ",
      "¿Qué tal? Bien, gracias. 你好，我很好。你呢？",
    ];

    it.each(
      texts.flatMap((text, i) => [1, 10, 20, 40].map((minLength) => [i, minLength, text] as const)),
    )(
      "is lossless and split-invariant over 100 random splits of text %i with minLength %i",
      async (i, minLength, text) => {
        const whole = await phrases([text], { minLength });
        expect(whole.join("")).toBe(text);
        const random = seededRandom(2000 + i * 100 + minLength);
        for (let run = 0; run < 100; run += 1) {
          const out = await phrases(randomSplit(text, random, 1 + (run % 10)), { minLength });
          expect(out.join("")).toBe(text);
          expect(out.every((chunk) => chunk.trim() !== "")).toBe(true);
          expect(out).toEqual(whole);
          // Every phrase but the last is long enough and ends at a boundary.
          for (const chunk of out.slice(0, -1)) {
            expect(chunk.length).toBeGreaterThanOrEqual(minLength);
            expect(chunk).toMatch(/(?:[,.:;!?]["'”’»)\]]*\s+|[，。：；！？、]\s*)$/u);
          }
        }
      },
    );
  });
});
