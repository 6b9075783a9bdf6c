import { SwitchboardError } from "../errors.js";

/** OpenAI's rule for function names; other OpenAI-compatible servers follow it. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Throws a `TOOL_ERROR` unless `name` is a valid function name for the model. */
export function assertToolName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !TOOL_NAME.test(name)) {
    throw new SwitchboardError(
      "TOOL_ERROR",
      `Invalid tool name ${JSON.stringify(name)}: use 1 to 64 letters, digits, "_" or "-"`,
    );
  }
}
