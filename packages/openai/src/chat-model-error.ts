import { SwitchboardError } from "@switchboard/core";
import { APIConnectionError, APIError } from "openai";

/**
 * What went wrong with a model request, in the terms a caller decides on:
 * `auth` (401/403), `rate_limit` (429), `server` (5xx), `connection` (refused, reset, dropped
 * mid-stream, timed out), `bad_request` (other 4xx), `stream` (a malformed or error event in the stream).
 */
export type ChatModelErrorKind =
  "auth" | "rate_limit" | "server" | "connection" | "bad_request" | "stream";

/**
 * A failed model request (code `LLM_ERROR`), with what a retry policy needs: `kind`, `status`,
 * `retryable` and the server's `retryAfterMs`. The original error is the `cause`.
 * @example
 * try {
 *   for await (const chunk of llm.chat({ messages })) console.log(chunk.content);
 * } catch (e) {
 *   if (e instanceof ChatModelError && e.retryable) console.log("try again in", e.retryAfterMs ?? 250, "ms");
 * }
 */
export class ChatModelError extends SwitchboardError {
  readonly kind: ChatModelErrorKind;
  /** The HTTP status, when the server answered with one. */
  readonly status: number | undefined;
  /** True for rate limits, server errors and connection failures: the same request may succeed later. */
  readonly retryable: boolean;
  /** How long the server asked to wait (`retry-after-ms` / `retry-after`), if it did. */
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    init: { kind: ChatModelErrorKind; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super("LLM_ERROR", message, { cause: init.cause });
    this.name = "ChatModelError";
    this.kind = init.kind;
    this.status = init.status;
    this.retryable =
      init.kind === "rate_limit" || init.kind === "server" || init.kind === "connection";
    this.retryAfterMs = init.retryAfterMs;
  }
}

function kindOfStatus(status: number): ChatModelErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limit";
  if (status >= 500 || status === 408 || status === 409) return "server";
  return "bad_request";
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(headers?.get("retry-after") ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}

/**
 * Converts anything a model request threw into a {@link ChatModelError} — the one place the
 * `openai` SDK's errors (and `fetch`'s) are interpreted.
 */
export function toChatModelError(error: unknown): ChatModelError {
  if (error instanceof ChatModelError) return error;
  if (error instanceof APIConnectionError) {
    return new ChatModelError(`Could not reach the model server: ${error.message}`, {
      kind: "connection",
      cause: error,
    });
  }
  if (error instanceof APIError) {
    const status = typeof error.status === "number" ? error.status : undefined;
    const kind = status === undefined ? "stream" : kindOfStatus(status);
    const after = retryAfterMs(error.headers instanceof Headers ? error.headers : undefined);
    return new ChatModelError(`Model request failed: ${error.message}`, {
      kind,
      ...(status !== undefined && { status }),
      ...(after !== undefined && { retryAfterMs: after }),
      cause: error,
    });
  }
  if (error instanceof SyntaxError) {
    return new ChatModelError(`The model server sent a malformed stream: ${error.message}`, {
      kind: "stream",
      cause: error,
    });
  }
  // fetch's body reader throws a plain TypeError ("terminated") when the connection drops mid-stream.
  const message = error instanceof Error ? error.message : String(error);
  return new ChatModelError(`The connection to the model server failed: ${message}`, {
    kind: "connection",
    cause: error,
  });
}
