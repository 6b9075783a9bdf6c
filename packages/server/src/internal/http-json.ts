import type { IncomingMessage, ServerResponse } from "node:http";
import { SwitchboardError, type SwitchboardErrorCode } from "@switchboard/core";

/** The HTTP status of each error code the server answers with; anything else is a 500. */
const HTTP_STATUS: Partial<Record<SwitchboardErrorCode, number>> = {
  INVALID_REQUEST: 400,
  CALL_REJECTED: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  SHUTTING_DOWN: 503,
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
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
} {
  if (error instanceof SwitchboardError) {
    const status = HTTP_STATUS[error.code];
    if (status !== undefined) return { status, message: error.message, internal: false };
  }
  return { status: 500, message: "internal error", internal: true };
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
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const { text, headers } = jsonBody(body);
  res.writeHead(status, headers);
  res.end(text);
}

/** Answers a raw upgrade socket with an HTTP error in JSON and closes it (WebSocket refused). */
export function rejectUpgrade(
  socket: { destroyed: boolean; end(data: string): unknown },
  status: number,
  message: string,
): void {
  if (socket.destroyed) return;
  const { text, headers } = jsonBody({ error: message });
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nconnection: close\r\n${head.join("")}\r\n${text}`,
  );
}

/**
 * Reads a request body of at most `limit` bytes and parses it as JSON; an empty body is `{}`.
 * Throws `PAYLOAD_TOO_LARGE` or `INVALID_REQUEST`.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) {
      throw new SwitchboardError("PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SwitchboardError(
      "INVALID_REQUEST",
      `request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}
