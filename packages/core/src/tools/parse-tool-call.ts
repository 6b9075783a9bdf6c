import { randomUUID } from "node:crypto";
import { ToolCall, type ToolArgs } from "../events.js";
import { parseToolArguments } from "./parse-tool-arguments.js";

/**
 * A tool call as chat-completion APIs stream it: `arguments` is the model's raw JSON string
 * (or an already parsed object).
 * @example
 * const call: ModelToolCall = { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
 */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string | ToolArgs;
}

/**
 * What `ToolRegistry.execute` accepts for one call: a `ToolCall` event or a {@link ModelToolCall}.
 * @example
 * const calls: ToolCallInput[] = [
 *   new ToolCall({ toolName: "get_weather", toolArgs: { city: "Paris" } }),
 *   { id: "call_2", name: "get_weather", arguments: '{"city":"Oslo"}' },
 * ];
 */
export type ToolCallInput = ToolCall | ModelToolCall;

/** One call in one shape, its arguments parsed from JSON (not yet validated against the tool's schema). */
export interface ParsedToolCall {
  /** The call's id; generated (like `ToolCall`'s) when a model-style call has none. */
  toolCallId: string;
  toolName: string;
  /** The parsed arguments; `{}` when they could not be parsed. */
  args: ToolArgs;
  /** Why the arguments could not be parsed, in words the model can act on. */
  argumentsError: string | undefined;
}

/** Brings either call shape to a {@link ParsedToolCall}; never throws, even on malformed input. */
export function parseToolCall(call: ToolCallInput): ParsedToolCall {
  if (call instanceof ToolCall) {
    // A ToolCall parsed its raw arguments once, when it was made.
    if (call.rawArguments !== undefined) {
      return {
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        args: call.toolArgs,
        argumentsError: call.argumentsError,
      };
    }
    return {
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      ...parseToolArguments(call.toolArgs),
    };
  }
  // Calls may come straight from JSON on the wire, so the declared shape is not trusted.
  const loose = (call ?? {}) as Partial<Record<keyof ModelToolCall, unknown>>;
  return {
    toolCallId:
      typeof loose.id === "string"
        ? loose.id
        : `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
    toolName: typeof loose.name === "string" ? loose.name : "",
    ...parseToolArguments(loose.arguments),
  };
}
