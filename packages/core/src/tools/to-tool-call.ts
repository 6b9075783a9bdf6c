import { ToolCall } from "../events.js";
import type { ModelToolCall } from "./parse-tool-call.js";

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
  const init = { toolName: call.name, toolCallId: call.id };
  const args = call.arguments;
  if (typeof args !== "string") return new ToolCall({ ...init, toolArgs: args });
  // `ToolCall` parses raw arguments once, keeping them (and why they failed) for the registry.
  return args.trim() === "" ? new ToolCall(init) : new ToolCall({ ...init, rawArguments: args });
}
