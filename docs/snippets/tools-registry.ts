import { ToolCall, ToolRegistry } from "@switchboard/core";
import { getWeather } from "./weather-tool.js";

const tools = new ToolRegistry([getWeather]);
console.log(tools.schemas); // OpenAI function-tool JSON schemas, for a chat request's `tools`

// Calls may be ToolCall events or the model's { id, name, arguments } (an object or raw JSON).
const controller = new AbortController();
const results = await tools.execute(
  [
    { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
    new ToolCall({ toolName: "get_weather", toolArgs: { city: "Oslo", unit: "fahrenheit" } }),
    { id: "call_3", name: "get_weather", arguments: '{"city":' }, // invalid JSON
    { id: "call_4", name: "get_time", arguments: {} }, // unknown tool
  ],
  { parallel: true, signal: controller.signal, timeoutMs: 5_000 },
);

// Never throws: one ToolResult per call, in call order. The failures carry `error`,
// worded so the model can fix its call.
for (const result of results) {
  console.log(result.toolCallId, result.success, result.resultStr);
}
