import { ToolCall } from "../events.js";
import { parseToolCall, type ModelToolCall } from "./parse-tool-call.js";

/**
 * Turns a model's tool call (`{ id, name, arguments }`, arguments as the model's raw JSON or an
 * object) into the `ToolCall` event a node yields: arguments parsed, id kept. Arguments that are
 * not a JSON object are kept raw, so `ToolRegistry.execute` answers with a `ToolResult` error the
 * model can act on. With the registry, this is the ToolCall/ToolResult pair of a hand-written
 * tool loop. Never throws.
 * @example
 * for (const modelCall of chunk.toolCalls ?? []) {
 *   const call = toToolCall(modelCall);
 *   yield call;                                             // the user sees the tool call
 *   const [result] = await tools.execute([call], { signal }); // ToolResult, never a throw
 *   if (result !== undefined) yield result;                 // the model sees it next round
 * }
 */
export function toToolCall(call: ModelToolCall): ToolCall {
  const parsed = parseToolCall(call);
  const init = { toolName: parsed.toolName, toolCallId: parsed.toolCallId };
  if (parsed.argumentsError === undefined) return new ToolCall({ ...init, toolArgs: parsed.args });
  const raw = typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);
  return new ToolCall({ ...init, rawArguments: raw });
}
