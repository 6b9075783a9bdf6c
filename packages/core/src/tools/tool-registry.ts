import { context, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import { SwitchboardError } from "../errors.js";
import { parentContext, tracer } from "../internal/tracer.js";
import { ToolResult } from "../events.js";
import { createLogger, type Logger } from "../logger.js";
import type { Tool } from "./define-tool.js";
import { formatZodIssues } from "../format-zod-issues.js";
import { parseToolCall, type ToolCallInput } from "./parse-tool-call.js";
import { NOT_RUN_MESSAGE, runToolCall, TIMED_OUT_PREFIX } from "./run-tool-call.js";
import { toToolSchema, type ToolSchema } from "./tool-json-schema.js";
import { assertToolName } from "./tool-name.js";
import { assertZod4Schema } from "./tool-parameters-schema.js";

/**
 * Options of a {@link ToolRegistry}.
 * @example
 * const options: ToolRegistryOptions = { onBackgroundResult: (result) => console.log(result.resultStr) };
 */
export interface ToolRegistryOptions {
  /**
   * Receives the real result of an `onInterrupt: "continue"` tool that finished after its
   * generation was interrupted (its `execute` call had already returned a placeholder).
   */
  onBackgroundResult?: (result: ToolResult) => void;
  /** A pino-compatible logger; default `createLogger()`. */
  logger?: Logger;
  /**
   * How long a call may run before it is aborted and reported as timed out, when neither the tool
   * (`defineTool({ timeoutMs })`) nor the `execute` call says. `Infinity` means no timeout. Default 30 s.
   */
  defaultTimeoutMs?: number;
}

/**
 * Options of one {@link ToolRegistry.execute} call.
 * @example
 * const options: ExecuteToolsOptions = { parallel: false, timeoutMs: 10_000 };
 */
export interface ExecuteToolsOptions {
  /** Run the calls concurrently (default) or one after another, in call order. */
  parallel?: boolean;
  /** The generation's signal: when it aborts, calls not yet started never run and running ones are interrupted. */
  signal?: AbortSignal;
  /**
   * Per call; a call still running after this many ms is aborted and reported as timed out. A tool's
   * own `timeoutMs` wins; default: the registry's `defaultTimeoutMs` (30 s). `Infinity` means none.
   */
  timeoutMs?: number;
  /**
   * Logs this batch's tool calls (a node passes its own logger, so tool logs follow the app's
   * level and redaction). Default: the registry's logger.
   */
  logger?: Logger;
  /**
   * Also receives this batch's background results (see {@link ToolRegistryOptions.onBackgroundResult});
   * called before the registry's own callback. Lets the node running the batch record them.
   */
  onBackgroundResult?: (result: ToolResult) => void;
  /**
   * The OpenTelemetry context each call's `execute_tool` span is a child of (a node passes its
   * generation's). Default: the active context.
   */
  traceContext?: Context;
}

/**
 * The tools an agent offers the model: their OpenAI schemas, and `execute`, which runs the
 * model's calls and turns every outcome — bad arguments, unknown tool, throw, timeout,
 * interrupt — into a `ToolResult`.
 * @example
 * const getWeather = defineTool({
 *   name: "get_weather",
 *   description: "Current weather for a city.",
 *   parameters: z.object({ city: z.string() }),
 *   execute: async ({ city }) => ({ city, tempC: 21 }),
 * });
 * const tools = new ToolRegistry([getWeather]);
 * const [result] = await tools.execute([{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]);
 * result?.resultStr; // '{"city":"Paris","tempC":21}'
 */
export class ToolRegistry implements Iterable<Tool> {
  readonly #tools = new Map<string, Tool>();
  readonly #schemas: ToolSchema[] = [];
  readonly #onBackgroundResult: ((result: ToolResult) => void) | undefined;
  readonly #log: Logger;
  readonly #defaultTimeoutMs: number;

  /**
   * Throws a `SwitchboardError` (`TOOL_ERROR`) for an invalid or duplicate name, or parameters
   * that are not an object schema expressible as JSON Schema.
   */
  constructor(tools: Iterable<Tool> = [], options: ToolRegistryOptions = {}) {
    this.#defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    for (const tool of tools) {
      assertToolName(tool.name);
      assertZod4Schema(tool.name, tool.parameters);
      if (this.#tools.has(tool.name)) {
        throw new SwitchboardError(
          "TOOL_ERROR",
          `Duplicate tool name "${tool.name}": tool names must be unique`,
        );
      }
      this.#schemas.push(toToolSchema(tool));
      this.#tools.set(tool.name, tool);
    }
    this.#onBackgroundResult = options.onBackgroundResult;
    this.#log = (options.logger ?? createLogger()).child({ component: "tools" });
  }

  /**
   * A registry for `tools`: the registry itself when given one (and no options), else a new one.
   * Lets an API take either `ToolRegistry` or `Tool[]`.
   * @example
   * const registry = ToolRegistry.from([getWeather]);
   * ToolRegistry.from(registry) === registry; // true
   */
  static from(tools: ToolRegistry | Iterable<Tool>, options?: ToolRegistryOptions): ToolRegistry {
    if (tools instanceof ToolRegistry && options === undefined) return tools;
    return new ToolRegistry(tools, options);
  }

  /**
   * The tools' OpenAI function-tool definitions, for a chat request's `tools` (a fresh array; do not mutate the entries).
   * @example
   * await openai.chat.completions.create({ model: "gpt-4o-mini", messages, tools: registry.schemas });
   */
  get schemas(): ToolSchema[] {
    return [...this.#schemas];
  }

  /**
   * The tools' names, in registration order.
   * @example
   * registry.names; // ["get_weather"]
   */
  get names(): string[] {
    return [...this.#tools.keys()];
  }

  /**
   * How many tools the registry holds.
   * @example
   * if (registry.size > 0) request.tools = registry.schemas;
   */
  get size(): number {
    return this.#tools.size;
  }

  /**
   * The tool called `name`, if any.
   * @example
   * registry.get("get_weather")?.description;
   */
  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  /**
   * Whether a tool called `name` is registered.
   * @example
   * registry.has("get_weather"); // true
   */
  has(name: string): boolean {
    return this.#tools.has(name);
  }

  /**
   * Iterates the tools in registration order.
   * @example
   * for (const tool of registry) console.log(tool.name);
   */
  [Symbol.iterator](): Iterator<Tool> {
    return this.#tools.values();
  }

  /**
   * Runs the model's tool calls and resolves with one `ToolResult` per call, in call order.
   * Never rejects: every failure is a result with `error`. When `signal` aborts, it resolves at
   * once: calls not yet started are `interrupted` without running, running calls are aborted
   * (or, with `onInterrupt: "continue"`, left to finish and reported via `onBackgroundResult`)
   * and get `interrupted` placeholders with their `toolCallId`.
   * @example
   * const results = await registry.execute(
   *   [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
   *   { parallel: true, signal: AbortSignal.timeout(30_000), timeoutMs: 10_000 },
   * );
   * const messages = results.map((r) => ({ role: "tool", tool_call_id: r.toolCallId, content: r.resultStr }));
   */
  async execute(
    calls: Iterable<ToolCallInput>,
    options: ExecuteToolsOptions = {},
  ): Promise<ToolResult[]> {
    const { parallel = true, signal } = options;
    const log =
      options.logger === undefined ? this.#log : options.logger.child({ component: "tools" });
    const timeoutMs = options.timeoutMs ?? this.#defaultTimeoutMs;
    const reportBackground = (result: ToolResult): void =>
      this.#reportBackground(result, options.onBackgroundResult);
    const traceParent = parentContext(options.traceContext);
    const runOne = (call: ToolCallInput): Promise<ToolResult> => {
      const span = tracer.startSpan(
        "execute_tool",
        { attributes: { "gen_ai.operation.name": "execute_tool" } },
        traceParent,
      );
      try {
        const running = context.with(trace.setSpan(traceParent, span), () =>
          this.#dispatch(call, signal, timeoutMs, reportBackground, log),
        );
        return running.then((result) => endToolSpan(span, result));
      } catch (error) {
        // #dispatch guards every step; this only catches a bug or a hostile call object.
        log.error({ err: error }, "tool call could not be dispatched");
        return Promise.resolve(
          endToolSpan(
            span,
            new ToolResult({ toolName: "", error: "the tool call could not be dispatched" }),
          ),
        );
      }
    };
    let list: ToolCallInput[];
    try {
      list = Array.from(calls);
    } catch (error) {
      log.error({ err: error }, "tool calls are not iterable");
      return [];
    }
    if (parallel) return Promise.all(list.map(runOne));
    const results: ToolResult[] = [];
    for (const call of list) results.push(await runOne(call));
    return results;
  }

  #dispatch(
    input: ToolCallInput,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    reportBackground: (result: ToolResult) => void,
    log: Logger,
  ): Promise<ToolResult> {
    const call = parseToolCall(input);
    const fail = (error: string, interrupted?: true): Promise<ToolResult> =>
      Promise.resolve(
        new ToolResult({
          toolName: call.toolName,
          toolArgs: call.args,
          toolCallId: call.toolCallId,
          error,
          ...(interrupted && { interrupted }),
        }),
      );
    const fields = { toolName: call.toolName, toolCallId: call.toolCallId };

    if (signal?.aborted) {
      log.debug(fields, "tool call not run: interrupted");
      return fail(NOT_RUN_MESSAGE, true);
    }
    const tool = this.#tools.get(call.toolName);
    if (tool === undefined) {
      log.info(fields, "model called an unknown tool");
      return fail(this.#unknownToolMessage(call.toolName));
    }
    if (call.argumentsError !== undefined) {
      // Not the reason: V8's JSON errors quote the model's text, which may carry what the user said.
      log.info(fields, "model sent unparseable tool arguments");
      return fail(
        `Invalid arguments for tool "${tool.name}": ${call.argumentsError}. ${RETRY_HINT}`,
      );
    }
    const parsed = tool.parameters.safeParse(call.args);
    if (!parsed.success) {
      const problems = formatZodIssues(parsed.error.issues, call.args);
      log.info({ ...fields, reason: problems }, "model sent invalid tool arguments");
      return fail(`Invalid arguments for tool "${tool.name}": ${problems}. ${RETRY_HINT}`);
    }
    return runToolCall({
      tool,
      args: parsed.data,
      modelArgs: call.args,
      toolCallId: call.toolCallId,
      signal,
      timeoutMs: validTimeout(tool.timeoutMs ?? timeoutMs),
      log,
      reportBackground,
    });
  }

  #unknownToolMessage(name: string): string {
    const known = this.names;
    const available =
      known.length === 0 ? "No tools are available." : `Available tools: ${known.join(", ")}.`;
    return `Unknown tool ${JSON.stringify(name)}. ${available}`;
  }

  #reportBackground(
    result: ToolResult,
    forBatch: ((result: ToolResult) => void) | undefined,
  ): void {
    const receivers = [forBatch, this.#onBackgroundResult].filter((fn) => fn !== undefined);
    if (receivers.length === 0) {
      this.#log.warn(
        { toolName: result.toolName, toolCallId: result.toolCallId },
        "background tool result dropped: no onBackgroundResult",
      );
    }
    for (const receive of receivers) {
      try {
        receive(result);
      } catch (error) {
        this.#log.error(
          { err: error, toolName: result.toolName, toolCallId: result.toolCallId },
          "onBackgroundResult threw",
        );
      }
    }
  }
}

/** Names the tool call's span after its tool and records how the call ended. */
function endToolSpan(span: Span, result: ToolResult): ToolResult {
  const outcome = result.success
    ? "success"
    : result.interrupted === true
      ? "interrupted"
      : result.error?.startsWith(TIMED_OUT_PREFIX) === true
        ? "timeout"
        : "error";
  span.updateName(`execute_tool ${result.toolName}`);
  span.setAttributes({
    "gen_ai.tool.name": result.toolName,
    ...(result.toolCallId !== undefined && { "gen_ai.tool.call.id": result.toolCallId }),
    "switchboard.tool.outcome": outcome,
  });
  // The message is what the model was told (no stack, no paths); an interrupt is not a failure.
  if (outcome === "error" || outcome === "timeout") {
    span.setAttribute("error.type", outcome === "timeout" ? "timeout" : "tool_error");
    span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? outcome });
  }
  span.end();
  return result;
}

const RETRY_HINT = "Call the tool again with arguments that match its parameters.";

/** Only a positive finite number sets a timeout; anything else (`Infinity`) means none. */
function validTimeout(timeoutMs: number): number | undefined {
  return Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : undefined;
}
