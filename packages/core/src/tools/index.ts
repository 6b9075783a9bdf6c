export {
  defineTool,
  type Tool,
  type ToolContext,
  type ToolDefinition,
  type ToolInterruptBehaviour,
  type ToolParameters,
} from "./define-tool.js";
export {
  ToolRegistry,
  type ToolRegistryOptions,
  type ExecuteToolsOptions,
} from "./tool-registry.js";
export type { ToolSchema, JsonSchema } from "./tool-json-schema.js";
export type { ModelToolCall, ToolCallInput } from "./parse-tool-call.js";
export { toToolCall } from "./to-tool-call.js";
