/** Machine-readable codes carried by every {@link SwitchboardError}. */
export type SwitchboardErrorCode =
  | "EVENT_ALREADY_REGISTERED"
  | "EVENT_ALIAS_TAKEN"
  | "ROUTE_CONFIG"
  | "NOT_AN_EVENT"
  | "TOOL_ERROR"
  | "LLM_ERROR"
  /** Server: a client's input frame is malformed (the `error` frame's code; the session goes on). */
  | "PROTOCOL_ERROR"
  /** Server: a request (body, call request) is malformed (HTTP 400). */
  | "INVALID_REQUEST"
  /** Server: a WebSocket without a valid call token, when a secret is set (HTTP 401). */
  | "UNAUTHORIZED"
  /** Server: the pre-call handler rejected the call (HTTP 403). */
  | "CALL_REJECTED"
  /** Server: no such route (HTTP 404). */
  | "NOT_FOUND"
  /** Server: the route exists, the method does not (HTTP 405). */
  | "METHOD_NOT_ALLOWED"
  /** Server: a request body over the limit (HTTP 413). */
  | "PAYLOAD_TOO_LARGE"
  /** Server: the app is shutting down or not listening (HTTP 503). */
  | "SHUTTING_DOWN"
  /** Server: a system, harness or app used out of order (e.g. `start()` before `withSpeakingNode`). */
  | "SESSION_CONFIG"
  /** Two copies of @switchboard/core were loaded. */
  | "DUPLICATE_CORE"
  /** An environment variable is invalid (named in the message). */
  | "CONFIG_ERROR"
  /** Server: this instance is at `maxCalls` (HTTP 503 with Retry-After). */
  | "AT_CAPACITY";

/**
 * Base class of the errors Switchboard throws on purpose; `code` is stable, the message is for people.
 * @example
 * try { registerEvent("user.transcription", MyEvent); } catch (e) { if (e instanceof SwitchboardError) console.log(e.code); }
 */
export class SwitchboardError extends Error {
  readonly code: SwitchboardErrorCode;
  constructor(code: SwitchboardErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SwitchboardError";
    this.code = code;
  }
}

/**
 * True for the errors that mean "this work was cancelled": a DOMException/Error named
 * `AbortError`, the OpenAI SDK's `APIUserAbortError`, or anything whose cause is one.
 * An abort is not a failure: callers end quietly on it.
 * @example
 * try { await fetch(url, { signal }); } catch (e) { if (!isAbortError(e)) throw e; }
 */
export function isAbortError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e !== "object") return false;
    const name = (e as { name?: unknown }).name;
    if (name === "AbortError" || name === "APIUserAbortError") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Turns any thrown value into an `Error`, keeping the original as `cause` when it was not one. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : "Non-error value thrown", { cause: value });
}
