import type { ToolArgs } from "../events.js";

/** Tool arguments parsed from what a model sent, or why they could not be. */
export interface ParsedToolArguments {
  /** The parsed arguments; `{}` when they could not be parsed. */
  args: ToolArgs;
  /** Why the arguments could not be parsed, in words the model can act on. */
  argumentsError: string | undefined;
}

/**
 * The one parse of a tool call's arguments: the model's raw JSON string, or an object already
 * parsed. Never throws. `ToolCall` runs it once, on construction; everything after reads the result.
 */
export function parseToolArguments(raw: unknown): ParsedToolArguments {
  if (raw === undefined || (typeof raw === "string" && raw.trim() === "")) {
    return { args: {}, argumentsError: undefined };
  }
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { args: {}, argumentsError: `the arguments are not valid JSON (${reason})` };
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const kind = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    return { args: {}, argumentsError: `the arguments must be a JSON object, not ${kind}` };
  }
  return { args: value as ToolArgs, argumentsError: undefined };
}
