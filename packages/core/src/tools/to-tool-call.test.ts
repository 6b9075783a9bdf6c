import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ToolCall, ToolResult, defineTool, toToolCall, ToolRegistry } from "../index.js";

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

describe("toToolCall", () => {
  it("turns a model's call into a ToolCall event with its arguments parsed", () => {
    const call = toToolCall({ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(call).toBeInstanceOf(ToolCall);
    expect(call).toMatchObject({
      toolCallId: "call_1",
      toolName: "get_weather",
      toolArgs: { city: "Paris" },
    });
  });

  it("keeps malformed arguments raw, so the registry answers with a ToolResult error", async () => {
    const call = toToolCall({ id: "call_2", name: "get_weather", arguments: '{"city": "Par' });
    expect(call.toolArgs).toEqual({});
    const [result] = await new ToolRegistry([getWeather]).execute([call]);
    expect(result).toBeInstanceOf(ToolResult);
    expect(result).toMatchObject({ toolCallId: "call_2", success: false });
    expect(result?.error).toMatch(/not valid JSON/);
  });

  it("with the registry, makes the ToolCall/ToolResult pair a hand-written tool loop yields", async () => {
    const call = toToolCall({ id: "call_3", name: "get_weather", arguments: { city: "Oslo" } });
    const [result] = await new ToolRegistry([getWeather]).execute([call]);
    expect(result).toMatchObject({
      toolCallId: call.toolCallId,
      toolName: "get_weather",
      toolArgs: { city: "Oslo" },
      result: { city: "Oslo", tempC: 21 },
    });
  });

  it("treats empty arguments as none", () => {
    expect(toToolCall({ id: "c", name: "end_call", arguments: " " }).toolArgs).toEqual({});
  });
});
