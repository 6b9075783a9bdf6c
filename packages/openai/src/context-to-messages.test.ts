import {
  AgentResponse,
  LogMetric,
  ToolCall,
  ToolResult,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { contextToMessages } from "./context-to-messages.js";

const user = (content: string) => new UserTranscriptionReceived({ content });
const agent = (content: string, interrupted?: boolean) =>
  new AgentResponse({ content, ...(interrupted !== undefined && { interrupted }) });
const call = (id: string, city = "Paris") =>
  new ToolCall({ toolName: "get_weather", toolArgs: { city }, toolCallId: id });
const result = (id: string, tempC = 21) =>
  new ToolResult({ toolName: "get_weather", toolArgs: {}, result: { tempC }, toolCallId: id });

function convert(events: object[], systemPrompt = "Be brief.") {
  return contextToMessages({ events, systemPrompt });
}

describe("contextToMessages", () => {
  it("starts with the system prompt and maps user and agent turns", () => {
    expect(convert([user("Hi"), agent("Hello!"), user("How are you?")])).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello!" },
      { role: "user", content: "How are you?" },
    ]);
  });

  it("maps agent chunks of every type, so two user turns never merge (issue 10)", () => {
    const typed = (content: string, chunkType: string) => new AgentResponse({ content, chunkType });
    expect(
      convert([
        user("One?"),
        typed("Buffered. ", "buffered"),
        typed("Final.", "final"),
        user("Two?"),
      ]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "One?" },
      { role: "assistant", content: "Buffered. Final." },
      { role: "user", content: "Two?" },
    ]);
  });

  it("leaves out an empty system prompt and ignores other events", () => {
    expect(convert([user("Hi"), new LogMetric({ name: "x", value: 1 })], "")).toEqual([
      { role: "user", content: "Hi" },
    ]);
  });

  it("keeps an interrupted turn's delivered text, and can mark it", () => {
    const events = [user("Tell me a story"), agent("Once upon a", true), user("Stop")];
    expect(convert(events)[2]).toEqual({ role: "assistant", content: "Once upon a" });
    const marked = contextToMessages(
      { events, systemPrompt: "" },
      { interruptedSuffix: " [interrupted]" },
    );
    expect(marked[1]).toEqual({ role: "assistant", content: "Once upon a [interrupted]" });
  });

  it("merges a round of tool calls with the turn's text into one assistant message, then tool messages", () => {
    const messages = convert([
      user("Weather in Paris and Oslo?"),
      agent("Let me check."),
      call("call_a"),
      call("call_b", "Oslo"),
      agent(" One moment while I look that up."),
      result("call_a"),
      result("call_b", 3),
      agent("Paris is 21 degrees, Oslo 3."),
    ]);
    expect(messages.slice(1)).toEqual([
      { role: "user", content: "Weather in Paris and Oslo?" },
      {
        role: "assistant",
        content: "Let me check. One moment while I look that up.",
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
          {
            id: "call_b",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: '{"tempC":21}' },
      { role: "tool", tool_call_id: "call_b", content: '{"tempC":3}' },
      { role: "assistant", content: "Paris is 21 degrees, Oslo 3." },
    ]);
  });

  it("gives a tool-only round null content and keeps successive rounds apart", () => {
    const messages = convert(
      [user("Go"), call("c1"), result("c1"), call("c2"), result("c2"), agent("Done.")],
      "",
    );
    expect(messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "tool",
      "assistant",
      "tool",
      "assistant",
    ]);
    expect(messages[1]).toMatchObject({ content: null, tool_calls: [{ id: "c1" }] });
    expect(messages[3]).toMatchObject({ content: null, tool_calls: [{ id: "c2" }] });
  });

  it("passes an error result as its resultStr", () => {
    const failed = new ToolResult({
      toolName: "get_weather",
      toolArgs: {},
      error: "boom",
      toolCallId: "c1",
    });
    expect(convert([user("Go"), call("c1"), failed], "")[2]).toEqual({
      role: "tool",
      tool_call_id: "c1",
      content: "Error: boom",
    });
  });

  it("drops tool calls without a result, and results without a call", () => {
    const messages = convert(
      [
        user("Go"),
        agent("Checking."),
        call("answered"),
        call("orphan"),
        result("answered"),
        result("stray"),
        user("Again"),
        call("unanswered"),
      ],
      "",
    );
    expect(messages).toEqual([
      { role: "user", content: "Go" },
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "answered",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "answered", content: '{"tempC":21}' },
      { role: "user", content: "Again" },
    ]);
  });

  it("never sends malformed raw arguments back", () => {
    const bad = new ToolCall({
      toolName: "get_weather",
      toolCallId: "c1",
      rawArguments: '{"city": "Par',
    });
    const good = new ToolCall({
      toolName: "get_weather",
      toolCallId: "c2",
      rawArguments: '{"city":"Oslo"}',
    });
    const messages = convert([user("Go"), bad, good, result("c1"), result("c2")], "");
    expect(messages[1]).toMatchObject({
      tool_calls: [
        { function: { arguments: "{}" } },
        { function: { arguments: '{"city":"Oslo"}' } },
      ],
    });
  });

  it("matches a result without an id to the first unanswered call of that tool", () => {
    const noId = new ToolResult({ toolName: "get_weather", toolArgs: {}, result: "sunny" });
    const messages = convert([user("Go"), call("c1"), noId], "");
    expect(messages[2]).toEqual({ role: "tool", tool_call_id: "c1", content: "sunny" });
  });

  it("joins consecutive user transcriptions", () => {
    expect(convert([user("Hello"), user("there")], "")).toEqual([
      { role: "user", content: "Hello there" },
    ]);
  });
});
