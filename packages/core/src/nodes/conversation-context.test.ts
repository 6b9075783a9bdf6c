import { describe, expect, it } from "vitest";
import { AgentResponse, ToolCall, ToolResult, UserTranscriptionReceived } from "../events.js";
import { ConversationContext } from "./conversation-context.js";

const signal = new AbortController().signal;

describe("ConversationContext", () => {
  it("bounds the events to maxContextLength without starting on an orphaned tool result", () => {
    const history = [
      new UserTranscriptionReceived({ content: "weather?" }),
      new ToolCall({ toolName: "w", toolCallId: "1" }),
      new ToolResult({ toolName: "w", toolCallId: "1", result: "sunny" }),
      new AgentResponse({ content: "Sunny." }),
    ];
    const context = new ConversationContext({
      events: () => history,
      systemPrompt: "",
      signal,
      maxContextLength: 2,
    });
    expect(context.events).toEqual([history[3]]);
    const wider = new ConversationContext({
      events: () => history,
      systemPrompt: "",
      signal,
      maxContextLength: 3,
    });
    expect(wider.events).toEqual(history.slice(1));
  });

  it("formats events and finds the latest user transcript", () => {
    const history = [
      new UserTranscriptionReceived({ content: "hi" }),
      new AgentResponse({ content: "Hello", interrupted: true }),
      new ToolCall({ toolName: "lookup", toolArgs: { q: 1 }, toolCallId: "c" }),
      new ToolResult({ toolName: "lookup", toolCallId: "c", error: "boom" }),
      new UserTranscriptionReceived({ content: "again" }),
    ];
    const context = new ConversationContext({
      events: () => history,
      systemPrompt: "be nice",
      signal,
    });
    expect(context.getLatestUserTranscriptMessage()).toBe("again");
    expect(context.formatEvents()).toBe(
      [
        "User: hi",
        "Agent: Hello [interrupted]",
        'Tool call lookup({"q":1})',
        "Tool result lookup: Error: boom",
        "User: again",
      ].join("\n"),
    );
  });
});
