import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { bufferedStreaming } from "./buffered-streaming.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

describe("Line pattern: buffered streaming", () => {
  it("sends whole sentences or full buffers, typed buffered, and loses nothing", async () => {
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
    convo = await ConversationRunner.start(exampleApp(bufferedStreaming, { llm }));

    const reply = await convo.turn("Tell me about buffering");
    const messages = reply.frames.filter((f) => f.type === "message");
    expect(messages.length).toBeGreaterThan(1);
    for (const frame of messages) {
      expect(frame).toMatchObject({ chunk_type: "buffered" });
      expect(frame.content.length >= 50 || /[.!?]["')\]]?\s*$/.test(frame.content)).toBe(true);
    }
    expect(reply.text).toMatch(/^You said: "Tell me about buffering"\. /);
    expect(reply.text).toMatch(/I'll stop talking right away\.$/);

    // The history holds the whole answer as one agent turn, and the next turn is separate.
    const next = await convo.turn("Hello!");
    expect(next.text).toMatch(/^Hello!/);
  });
});
