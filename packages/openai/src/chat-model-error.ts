import { SwitchboardError } from "@switchboard/core";

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

/** Reads a header from a fetch `Headers` or a plain record (older clients, other SDKs). */
function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== "object" || headers === null) return undefined;
  if ("get" in headers && typeof headers.get === "function") {
    const value: unknown = headers.get.call(headers, name);
    return typeof value === "string" ? value : undefined;
  }
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === "string" ? value : undefined;
}

function retryAfterMs(headers: unknown): number | undefined {
  const ms = Number(header(headers, "retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const seconds = Number(header(headers, "retry-after") ?? Number.NaN);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  return undefined;
}

/** The openai SDK's error names (the same in 4, 5, 6 and 7) for a request that never got an answer. */
const CONNECTION_ERROR_NAMES = new Set(["APIConnectionError", "APIConnectionTimeoutError"]);

/**
 * Converts anything a model request threw into a {@link ChatModelError} — the one place the
 * `openai` SDK's errors (and `fetch`'s) are interpreted. Errors are read by their `status` and
 * `name`, never by `instanceof`: a user's own client may come from another copy or major version
 * of `openai`, and its 401 must still be an `auth` error, not a retryable connection failure.
 */
export function toChatModelError(error: unknown): ChatModelError {
  if (error instanceof ChatModelError) return error;
  const fields: { name?: unknown; status?: unknown; headers?: unknown } =
    typeof error === "object" && error !== null ? error : {};
  const message = error instanceof Error ? error.message : String(error);
  if (typeof fields.status === "number") {
    const status = fields.status;
    const after = retryAfterMs(fields.headers);
    return new ChatModelError(`Model request failed: ${message}`, {
      kind: kindOfStatus(status),
      status,
      ...(after !== undefined && { retryAfterMs: after }),
      cause: error,
    });
  }
  if (typeof fields.name === "string" && CONNECTION_ERROR_NAMES.has(fields.name)) {
    return new ChatModelError(`Could not reach the model server: ${message}`, {
      kind: "connection",
      cause: error,
    });
  }
  // The SDK throws a status-less APIError for an error event inside the stream.
  if (fields.name === "APIError") {
    return new ChatModelError(`Model request failed: ${message}`, { kind: "stream", cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ChatModelError(`The model server sent a malformed stream: ${message}`, {
      kind: "stream",
      cause: error,
    });
  }
  // fetch's body reader throws a plain TypeError ("terminated") when the connection drops mid-stream.
  return new ChatModelError(`The connection to the model server failed: ${message}`, {
    kind: "connection",
    cause: error,
  });
}
