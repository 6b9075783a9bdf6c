import { delay } from "../delay.js";
import { toError } from "../errors.js";
import { ToolResult, type ToolArgs } from "../events.js";
import type { Logger } from "../logger.js";
import type { Tool } from "./define-tool.js";

/** The error of a call that was never started because its generation was interrupted. */
export const NOT_RUN_MESSAGE = "not run: the generation was interrupted";
/** How a timed-out call's error starts (its span's outcome is read from it). */
export const TIMED_OUT_PREFIX = "timed out after";
const CANCELLED_MESSAGE = "cancelled: the generation was interrupted while the tool was running";
const BACKGROUND_MESSAGE =
  "still running: the generation was interrupted; the result will be reported when the tool finishes";

/** One dispatched call: a known tool and arguments its schema accepted. */
export interface ToolRun {
  tool: Tool;
  /** The arguments as the schema output them: what `execute` gets. */
  args: ToolArgs;
  /** The arguments as the model sent them: what the result carries. */
  modelArgs: ToolArgs;
  toolCallId: string;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  log: Logger;
  /** Receives the real result of a `"continue"` tool that outlived its interrupted generation. */
  reportBackground: (result: ToolResult) => void;
}

/**
 * - `running`: the caller is waiting for this call.
 * - `background`: the caller got a placeholder; a `"continue"` tool is still running.
 * - `done`: the tool settled, timed out or was abandoned; nothing more is reported.
 */
type RunState = "running" | "background" | "done";

/**
 * Runs one tool call and resolves with its `ToolResult` — never rejects. Resolves early, without
 * waiting for the tool, on timeout or on the caller's abort; the tool's promise is then abandoned
 * (a rejection handler stays attached, so nothing goes unhandled). Its timer and abort listener
 * are removed whichever way it ends.
 */
export function runToolCall(run: ToolRun): Promise<ToolResult> {
  const { tool, toolCallId, signal, log } = run;
  const fields = { toolName: tool.name, toolCallId };
  const controller = new AbortController();
  const startedAt = performance.now();
  let state: RunState = "running";
  /** Aborted when the call ends another way: ends the timeout's wait. */
  const timeout = new AbortController();
  let answer!: (result: ToolResult) => void;
  const answered = new Promise<ToolResult>((resolve) => (answer = resolve));

  const resultOf = (outcome: {
    result?: unknown;
    error?: string;
    interrupted?: boolean;
  }): ToolResult =>
    new ToolResult({ toolName: tool.name, toolArgs: run.modelArgs, toolCallId, ...outcome });

  const stopListening = (): void => signal?.removeEventListener("abort", onInterrupt);

  /** Delivers the tool's own outcome (or its timeout) to whoever is waiting for it now. */
  const settle = (result: ToolResult): void => {
    const previous = state;
    if (previous === "done") return;
    state = "done";
    timeout.abort();
    stopListening();
    log.debug(
      { ...fields, durationMs: Math.round(performance.now() - startedAt), success: result.success },
      "tool call finished",
    );
    if (previous === "running") answer(result);
    else run.reportBackground(result);
  };

  function onInterrupt(): void {
    if (state !== "running") return;
    stopListening();
    if (tool.onInterrupt === "continue") {
      state = "background";
      log.debug(fields, "tool call continues in the background");
      answer(resultOf({ error: BACKGROUND_MESSAGE, interrupted: true }));
      return;
    }
    state = "done";
    timeout.abort();
    log.debug(fields, "tool call interrupted");
    controller.abort(signal?.reason);
    answer(resultOf({ error: CANCELLED_MESSAGE, interrupted: true }));
  }

  const onTimeout = (): void => {
    if (state === "done") return;
    log.warn({ ...fields, timeoutMs: run.timeoutMs }, "tool call timed out");
    controller.abort(new DOMException(`Tool "${tool.name}" timed out`, "TimeoutError"));
    settle(resultOf({ error: `${TIMED_OUT_PREFIX} ${run.timeoutMs} ms` }));
  };

  signal?.addEventListener("abort", onInterrupt, { once: true });
  if (run.timeoutMs !== undefined) {
    delay(run.timeoutMs, { signal: timeout.signal }).then(onTimeout, () => undefined);
  }

  log.debug(fields, "tool call started");
  let pending: Promise<unknown>;
  try {
    pending = Promise.resolve(tool.execute(run.args, { signal: controller.signal, toolCallId }));
  } catch (error) {
    pending = Promise.reject(toError(error));
  }
  void pending.then(
    (value) => {
      if (state === "done") return log.debug(fields, "abandoned tool call settled");
      settle(toResult(value));
    },
    (error: unknown) => {
      if (state === "done") return log.debug(fields, "abandoned tool call settled");
      log.warn({ ...fields, err: error }, "tool call failed");
      settle(resultOf({ error: toolErrorMessage(error) }));
    },
  );
  return answered;

  function toResult(value: unknown): ToolResult {
    const unserialisable = serialisationError(value);
    if (unserialisable === undefined) return resultOf({ result: value });
    log.warn({ ...fields, err: unserialisable }, "tool result is not JSON-serialisable");
    return resultOf({
      error: `the tool returned a value that cannot be sent as JSON (${unserialisable.message})`,
    });
  }
}

/** Absolute file paths (POSIX, Windows, file: URLs), which a thrown error's message often quotes. */
const ABSOLUTE_PATH =
  /(?<=^|[\s'"(`=])(?:file:\/\/)?(?:[A-Za-z]:)?[\\/](?:[^\s'"`,()\\/]+[\\/])+[^\s'"`,()]*/g;

/**
 * What the model (and the caller's `tool_call.result`) learns of a throw: the message only — no
 * stack, no server paths. `ENOENT: no such file or directory, open '/srv/app/x.json'` becomes
 * `ENOENT: no such file or directory, open '<path>'`; the log keeps the whole error.
 */
function toolErrorMessage(error: unknown): string {
  const message = toError(error).message.split("\n")[0] ?? "";
  return message.replace(ABSOLUTE_PATH, "<path>").trim() || "the tool failed without a message";
}

/** `ToolResult.resultStr` stringifies results, so a cyclic or BigInt result must fail here, not there. */
function serialisationError(value: unknown): Error | undefined {
  if (value === undefined || typeof value === "string") return undefined;
  try {
    JSON.stringify(value);
    return undefined;
  } catch (error) {
    return toError(error);
  }
}
