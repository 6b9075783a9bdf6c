import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp, GREETING } from "../example-app.js";
import { basicStreaming } from "./basic-streaming.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

describe("Line pattern: basic streaming", () => {
  it("sends the answer chunk by chunk, as the model yields it, then completes the turn", async () => {
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 5 });
    convo = await ConversationRunner.start(exampleApp(basicStreaming, { llm }));
    expect(convo.greeting?.text).toBe(GREETING);

    const reply = await convo.turn("Hello there!");
    expect(reply.text).toMatch(/^Hello! I'm the Switchboard demo agent/);
    expect(reply.chunks.length).toBeGreaterThan(5); // word by word, not one block
    expect(reply.chunks.join("")).toBe(reply.text);
    expect(reply.endedBy).toBe("generation_complete");
    // Every chunk of the turn belongs to one generation.
    const ids = new Set(
      reply.frames.filter((f) => f.type === "message").map((f) => f.generation_id),
    );
    expect(ids.size).toBe(1);
  });
});
