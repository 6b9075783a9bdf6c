import type { IncomingMessage, ServerResponse } from "node:http";
import { SwitchboardError, type SwitchboardErrorCode } from "@switchboard/core";

/** The HTTP status of each error code the server answers with; anything else is a 500. */
const HTTP_STATUS: Partial<Record<SwitchboardErrorCode, number>> = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  CALL_REJECTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  SHUTTING_DOWN: 503,
  AT_CAPACITY: 503,
};

/**
 * `Retry-After` (seconds) of a refusal a load balancer should retry elsewhere: a draining
 * instance will not come back soon, a full one may have room in a moment.
 */
const RETRY_AFTER_S: Partial<Record<SwitchboardErrorCode, number>> = {
  SHUTTING_DOWN: 5,
  AT_CAPACITY: 1,
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * What the client is told about `error`: its status and message when it is a `SwitchboardError`
 * with an HTTP status; otherwise 500 "internal error" (nothing internal reaches a caller), and
 * `internal` is true so the caller logs it.
 */
export function httpErrorOf(error: unknown): {
  status: number;
  message: string;
  internal: boolean;
  headers: Record<string, string>;
} {
  if (error instanceof SwitchboardError) {
    const status = HTTP_STATUS[error.code];
    const retryAfter = RETRY_AFTER_S[error.code];
    const headers: Record<string, string> =
      retryAfter === undefined ? {} : { "retry-after": String(retryAfter) };
    if (status !== undefined) return { status, message: error.message, internal: false, headers };
  }
  return { status: 500, message: "internal error", internal: true, headers: {} };
}

/** Serializes a JSON response: the one place the server writes JSON over HTTP. */
function jsonBody(body: unknown): { text: string; headers: Record<string, string | number> } {
  const text = JSON.stringify(body);
  return {
    text,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
  };
}

/** Answers `res` with `body` as JSON. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const { text, headers } = jsonBody(body);
  res.writeHead(status, { ...headers, ...extraHeaders });
  res.end(text);
}

/** Answers a raw upgrade socket with an HTTP error in JSON and closes it (WebSocket refused). */
export function rejectUpgrade(
  socket: { destroyed: boolean; end(data: string): unknown },
  status: number,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (socket.destroyed) return;
  const { text, headers } = jsonBody({ error: message });
  const head = Object.entries({ ...headers, ...extraHeaders }).map(
    ([name, value]) => `${name}: ${value}\r\n`,
  );
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nconnection: close\r\n${head.join("")}\r\n${text}`,
  );
}

/**
 * Reads a request body of at most `limit` bytes and parses it as JSON; an empty body is `{}`.
 * Throws `PAYLOAD_TOO_LARGE` (also up front, from `content-length`) without destroying the
 * request, so the 413 can still reach the client (see {@link refuseOversized}), or `INVALID_REQUEST`.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    // A stack overflow (absurd nesting) is not a SyntaxError and its message is not the client's business.
    const problem = error instanceof SyntaxError ? error.message : "too deeply nested";
    throw new SwitchboardError("INVALID_REQUEST", `request body is not valid JSON: ${problem}`);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const tooLarge = () =>
    new SwitchboardError("PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        reject(tooLarge());
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      done();
      resolve(Buffer.concat(chunks).toString("utf8"));
    };
    const onAborted = () => {
      done();
      reject(new SwitchboardError("INVALID_REQUEST", "request body aborted"));
    };
    const done = () => {
      req.off("data", onData).off("end", onEnd).off("error", onAborted).off("aborted", onAborted);
    };
    req.on("data", onData).on("end", onEnd).on("error", onAborted).on("aborted", onAborted);
  });
}

/** The request's URL, or `INVALID_REQUEST` (400) for one that does not parse — never a 500. */
export function parseRequestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", "http://localhost");
  } catch {
    throw new SwitchboardError("INVALID_REQUEST", "malformed request URL");
  }
}

/** After a 413, the rest of an oversized body is read (and dropped) this long so the client can read the answer. */
const LINGER_MS = 2000;

/**
 * Answers 413 in a way the client can read: the answer goes out with `Connection: close`, the rest
 * of the body is read and dropped (a reset would discard the answer in the client's buffers), and
 * the connection is closed once the client stops sending or after a short linger.
 */
export function refuseOversized(req: IncomingMessage, res: ServerResponse, message: string): void {
  res.shouldKeepAlive = false;
  const socket = req.socket;
  const linger = setTimeout(() => socket.destroy(), LINGER_MS);
  linger.unref();
  socket.once("close", () => clearTimeout(linger));
  req.on("error", () => socket.destroy());
  req.resume();
  sendJson(res, 413, { error: message });
}
