import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { chunkedValidation } from "./chunked-validation.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

const completions = (frames: { type: string; event?: string }[]) =>
  frames.filter((f) => f.type === "log_event" && f.event === "generation_complete");

describe("Line pattern: chunked processing with validation", () => {
  it("masks every validated chunk and ends each turn with exactly one generation_complete, the node's", async () => {
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
    convo = await ConversationRunner.start(exampleApp(chunkedValidation, { llm }));

    const reply = await convo.turn("My card is 4111 1111 1111 1234");
    expect(reply.text).toContain("My card is **** **** **** ****");
    expect(reply.text).not.toMatch(/\d{4}/);

    // The node's own completion is the turn's only one, with the totals it counted.
    const frames = convo.client.frames;
    expect(completions(frames)).toHaveLength(2); // the greeting's and this turn's
    expect(completions(reply.frames)[0]).toMatchObject({
      metadata: { total_length: reply.text.length, chunk_count: reply.chunks.length },
    });

    // A second turn starts clean: its reply is its own, not the tail of the first.
    const second = await convo.turn("Hello!");
    expect(second.text).toMatch(/^Hello!/);
    expect(completions(convo.client.frames)).toHaveLength(3);
  });
});
