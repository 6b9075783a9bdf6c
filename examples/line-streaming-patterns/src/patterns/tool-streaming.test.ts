import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { CHECKING, toolStreaming } from "./tool-streaming.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

describe("Line pattern: streaming with tool integration", () => {
  it("sends the tool call, says it is checking, sends the result, then streams the follow-up", async () => {
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
    convo = await ConversationRunner.start(exampleApp(toolStreaming, { llm }));

    const reply = await convo.turn("What's the weather in Paris?");
    const steps = reply.frames
      .filter((f) => f.type === "message" || f.type === "tool_call")
      .map((f) =>
        f.type === "tool_call" ? (f.result === undefined ? "call" : "result") : f.content,
      );
    const call = steps.indexOf("call");
    const checking = steps.indexOf(CHECKING);
    const result = steps.indexOf("result");
    expect(call).toBeGreaterThan(-1);
    expect(checking).toBeGreaterThan(call);
    expect(result).toBeGreaterThan(checking);
    expect(steps.slice(result + 1).join("")).toMatch(/degrees Celsius.* in Paris/);

    const toolFrames = reply.frames.filter((f) => f.type === "tool_call");
    expect(toolFrames).toMatchObject([
      { name: "get_weather", arguments: { city: "Paris" } },
      { name: "get_weather", arguments: { city: "Paris" }, result: { city: "Paris" } },
    ]);
    expect(toolFrames[0]?.id).toBe(toolFrames[1]?.id);
    expect(reply.endedBy).toBe("generation_complete");
  });
});
