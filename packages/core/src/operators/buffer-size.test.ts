import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { AgentResponse, ToolCall } from "../events.js";
import { bufferSize, type BufferSizeOptions } from "./buffer-size.js";
import { contents, randomSplit, runOperator, seededRandom } from "./testing/seeded-splits.js";

async function sized(
  pieces: readonly string[],
  options: BufferSizeOptions = {},
): Promise<string[]> {
  return contents(await runOperator(bufferSize(options), pieces));
}

describe("bufferSize", () => {
  it("emits the whole buffer once it reaches size", async () => {
    expect(await sized(["abcd", "efgh", "ij", "klmnopq", "r"], { size: 10 })).toEqual([
      "abcdefghij",
      "klmnopqr",
    ]);
  });

  it("defaults to 50 characters", async () => {
    const long = "word ".repeat(12); // 60 characters, no sentence end
    const pieces = long.match(/.{1,5}/gu)!;
    expect(await sized(pieces)).toEqual([long.slice(0, 50), long.slice(50)]);
  });

  it("emits early when the buffer ends a sentence", async () => {
    expect(await sized(["Hi", ".", " How", " are you", "?", " Fine"])).toEqual([
      "Hi.",
      " How are you?",
      " Fine",
    ]);
  });

  it("treats closing quotes and trailing space after the mark as part of the sentence end", async () => {
    expect(await sized(['He said "no', '." ', "Then"])).toEqual(['He said "no." ', "Then"]);
  });

  it("does not end a sentence at a decimal in progress ('$3.')", async () => {
    expect(await sized(["It costs $3", ".", "50", " today."], { size: 100 })).toEqual([
      "It costs $3.50 today.",
    ]);
  });

  it("does not end a sentence at an abbreviation or initial ('Dr.', 'F.')", async () => {
    expect(await sized(["Ask Dr.", " John F.", " Smith."], { size: 100 })).toEqual([
      "Ask Dr. John F. Smith.",
    ]);
  });

  it("ends a sentence at !, ?, an ellipsis and CJK marks", async () => {
    expect(await sized(["Wow!", " Really?", " Well...", " 好。", "はい？"], { size: 100 })).toEqual(
      ["Wow!", " Really?", " Well...", " 好。", "はい？"],
    );
  });

  it("never emits a blank chunk: leading whitespace waits for text", async () => {
    expect(await sized([" ", " ", "a"], { size: 1 })).toEqual(["  a"]);
  });

  it("drops whitespace that trails the last chunk (it has nothing left to join)", async () => {
    expect(await sized(["Done.", "  ", "\n"])).toEqual(["Done."]);
  });

  it("flushes the rest on complete", async () => {
    expect(await sized(["no end yet"])).toEqual(["no end yet"]);
  });

  it("passes a tool call through in order, flushing the held text before it", async () => {
    const call = new ToolCall({ toolName: "lookup" });
    const out = await runOperator(bufferSize<string | ToolCall>(), ["One", " sec", call, "Done."]);
    expect(out.map((v) => (v instanceof AgentResponse ? v.content : v))).toEqual([
      "One sec",
      call,
      "Done.",
    ]);
  });

  it("drops what it holds when unsubscribed", () => {
    const input = new Subject<string>();
    const out: string[] = [];
    const subscription = input
      .pipe(bufferSize({ size: 100 }))
      .subscribe((r) => out.push(r.content));
    input.next("Sentence one.");
    input.next(" held part");
    subscription.unsubscribe();
    input.complete();
    expect(out).toEqual(["Sentence one."]);
  });

  it("is lossless (up to trailing whitespace) over 300 random splits", async () => {
    const text = "Hello there. It costs $3.50, e.g. for Dr. Smith! Really? Yes... 你好。 The end";
    const random = seededRandom(3000);
    for (let run = 0; run < 300; run += 1) {
      const size = 1 + (run % 60);
      const out = await sized(randomSplit(text, random, 1 + (run % 9)), { size });
      expect(out.join("")).toBe(text);
      expect(out.every((chunk) => chunk.trim() !== "")).toBe(true);
      // Nothing waits once it reaches size: every chunk but the last came out as soon as it could.
      for (const chunk of out.slice(0, -1))
        expect(chunk.length < size ? /[.!?。]\s*$/u.test(chunk) : true).toBe(true);
    }
  });
});
