import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { describe, expect, it } from "vitest";
import { createBasicChatApp } from "./agent.js";

const offline = () =>
  createBasicChatApp({ llm: new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 }) });

describe("ConversationRunner on the demo agent", () => {
  it("plays turns and keeps a transcript, tool results included", async () => {
    const convo = await ConversationRunner.start(offline());
    try {
      expect(convo.greeting?.text).toMatch(/^Hello!/);
      const weather = await convo.turn("What's the weather in Oslo?");
      expect(weather.endedBy).toBe("generation_complete");
      const bye = await convo.turn("Goodbye!");
      expect(bye.endedBy).toBe("end_call");
      expect(convo.transcript.map((line) => line.speaker)).toEqual([
        "agent",
        "user",
        "tool",
        "agent",
        "user",
        "tool",
        "agent",
      ]);
      expect(convo.toString()).toMatch(/tool: get_weather -> \{"city":"Oslo"/);
    } finally {
      await convo.close();
    }
  });

  it("reports a call the app refuses, and stops the app", async () => {
    const app = createBasicChatApp({ llm: new ScriptedChat() });
    let closed = false;
    const refusing = {
      listen: (o: { port?: number; host?: string }) => app.listen(o),
      close: async () => {
        closed = true;
        await app.close();
      },
    };
    await expect(
      ConversationRunner.start(refusing, {
        call: { agent: { system_prompt: 42 as unknown as string } },
      }),
    ).rejects.toThrow(/POST \/chats answered 400/);
    expect(closed).toBe(true);
  });
});
