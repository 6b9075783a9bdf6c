import type { z } from "zod/v4";
import type { ToolArgs } from "../events.js";
import { assertToolName } from "./tool-name.js";
import { assertZod4Schema } from "./tool-parameters-schema.js";

/**
 * What a running tool does when its generation is interrupted: `"abort"` its signal (the default)
 * or `"continue"` in the background and report the result later.
 * @example
 * const behaviour: ToolInterruptBehaviour = "continue";
 */
export type ToolInterruptBehaviour = "abort" | "continue";

/**
 * The zod schemas a tool may take as `parameters`: any schema whose output is an object.
 * @example
 * const parameters: ToolParameters = z.object({ city: z.string() });
 */
export type ToolParameters = z.ZodType<ToolArgs>;

/**
 * The second argument of a tool's `execute`.
 * @example
 * const execute = async (_args: object, { signal }: ToolContext) => fetch("https://example.com", { signal });
 */
export interface ToolContext {
  /** Aborted on timeout, and on interrupt unless the tool has `onInterrupt: "continue"`. */
  readonly signal: AbortSignal;
  /** The id of the call being executed (the model's, or a `ToolCall`'s). */
  readonly toolCallId: string;
}

/**
 * A function the model can call: a name, a description, a zod schema for its arguments and `execute`.
 * Build one with {@link defineTool}; a `ToolRegistry` runs them.
 * @example
 * const ping: Tool<{ host: string }, string> = defineTool({
 *   name: "ping",
 *   description: "Checks that a host answers.",
 *   parameters: z.object({ host: z.string() }),
 *   execute: async ({ host }) => `${host} is up`,
 * });
 */
export interface Tool<Args extends ToolArgs = ToolArgs, Result = unknown> {
  /** The function name the model uses: 1 to 64 letters, digits, `_` or `-`. */
  readonly name: string;
  /** Tells the model when and how to use the tool. */
  readonly description: string;
  /** Validates (and may transform) the model's arguments; also becomes the JSON Schema the model sees. */
  readonly parameters: z.ZodType<Args>;
  /** What happens to a running call when its generation is interrupted. */
  readonly onInterrupt: ToolInterruptBehaviour;
  /** How long a call may run before it is aborted and reported as timed out; overrides the registry's. */
  readonly timeoutMs?: number;
  /** Runs the tool with validated arguments. Should honour `context.signal`. */
  execute(args: Args, context: ToolContext): Result | Promise<Result>;
}

/**
 * What {@link defineTool} takes: a tool whose `onInterrupt` may be left out.
 * @example
 * const definition: ToolDefinition<z.ZodObject<{ city: z.ZodString }>, number> = {
 *   name: "get_temperature",
 *   description: "Current temperature in °C.",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async () => 21,
 * };
 */
export interface ToolDefinition<Schema extends ToolParameters, Result> {
  name: string;
  description: string;
  parameters: Schema;
  execute: (args: z.output<Schema>, context: ToolContext) => Result | Promise<Result>;
  /** Default `"abort"`. */
  onInterrupt?: ToolInterruptBehaviour;
  /** Overrides the registry's timeout for this tool (default 30 s); `Infinity` means none. */
  timeoutMs?: number;
}

/**
 * Defines a tool; `execute`'s arguments are typed from the `parameters` schema.
 * Throws a `SwitchboardError` (`TOOL_ERROR`) for a name the model API would reject, or for
 * `parameters` that are not a zod 4 schema (zod 4, or `zod/v4` on zod 3.25+).
 * @example
 * const getWeather = defineTool({
 *   name: "get_weather",
 *   description: "Current weather for a city.",
 *   parameters: z.object({ city: z.string().describe("City name, e.g. Paris") }),
 *   execute: async ({ city }, { signal }) => {
 *     signal.throwIfAborted();
 *     return { city, tempC: 21 };
 *   },
 * });
 */
export function defineTool<Schema extends ToolParameters, Result>(
  definition: ToolDefinition<Schema, Result>,
): Tool<z.output<Schema>, Result> {
  assertToolName(definition.name);
  const { name, description, parameters, execute } = definition;
  assertZod4Schema(name, parameters);
  return {
    name,
    description,
    // TS cannot see that a schema's output type is z.output of it while Schema is generic.
    parameters: parameters as unknown as z.ZodType<z.output<Schema>>,
    onInterrupt: definition.onInterrupt ?? "abort",
    ...(definition.timeoutMs !== undefined && { timeoutMs: definition.timeoutMs }),
    execute,
  };
}
