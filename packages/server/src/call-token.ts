import { createHmac, timingSafeEqual } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { parseCallRequestBody, type CallRequest } from "./call-request.js";

/** The version tag every call token starts with; a new format gets a new tag. */
const TOKEN_VERSION = "v1";
/** Largest payload a token may inflate to: a forged token cannot make the server inflate a bomb. */
const MAX_INFLATED_BYTES = 1024 * 1024;

/** Options of {@link signCallToken}. */
export interface SignCallTokenOptions {
  /** The HMAC key (`SWITCHBOARD_SECRET`): every instance that shares it accepts the token. */
  secret: string;
  /** How long the token is valid, in ms. */
  ttlMs: number;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link verifyCallToken}. */
export interface VerifyCallTokenOptions {
  secret: string;
  now?: () => number;
}

/** What {@link verifyCallToken} found: the call the token carries, or why it is refused. */
export type VerifiedCallToken =
  | { ok: true; call: CallRequest; expiresAt: number }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

/**
 * Signs a call into a self-contained, expiring token for its `websocket_url`. The token is
 * `v1.<payload>.<signature>`: `payload` is base64url of the deflated JSON
 * `{ exp, call }` (`exp` in ms since the epoch, `call` the `POST /chats` body after the pre-call
 * handler's metadata was merged) and `signature` is base64url of HMAC-SHA256 over `v1.<payload>`,
 * keyed by the secret. The server keeps nothing per call; the token is signed, not encrypted,
 * so metadata must not hold secrets.
 * @example const token = signCallToken(call, { secret: process.env.SWITCHBOARD_SECRET!, ttlMs: 300_000 });
 */
export function signCallToken(call: CallRequest, options: SignCallTokenOptions): string {
  const exp = (options.now ?? Date.now)() + options.ttlMs;
  const json = JSON.stringify({ exp, call: toBody(call) });
  const payload = deflateRawSync(json).toString("base64url");
  const signed = `${TOKEN_VERSION}.${payload}`;
  return `${signed}.${sign(signed, options.secret)}`;
}

/**
 * Checks a call token's signature (in constant time) and expiry, and returns the call it carries.
 * Stateless: any instance with the same secret gives the same answer.
 * @example const verified = verifyCallToken(token, { secret }); if (verified.ok) verified.call.callId;
 */
export function verifyCallToken(token: string, options: VerifyCallTokenOptions): VerifiedCallToken {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== TOKEN_VERSION) return { ok: false, reason: "malformed" };
  const [version, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(sign(`${version}.${payload}`, options.secret), "base64url");
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: "bad_signature" };
  let decoded: unknown;
  try {
    const json = inflateRawSync(Buffer.from(payload, "base64url"), {
      maxOutputLength: MAX_INFLATED_BYTES,
    });
    decoded = JSON.parse(json.toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (typeof decoded !== "object" || decoded === null) return { ok: false, reason: "malformed" };
  const { exp, call } = decoded as { exp?: unknown; call?: unknown };
  if (typeof exp !== "number") return { ok: false, reason: "malformed" };
  if ((options.now ?? Date.now)() >= exp) return { ok: false, reason: "expired" };
  const parsed = parseCallRequestBody(call);
  if (!parsed.ok) return { ok: false, reason: "malformed" };
  return { ok: true, call: parsed.call, expiresAt: exp };
}

function sign(text: string, secret: string): string {
  return createHmac("sha256", secret).update(text).digest("base64url");
}

/** The call in the `POST /chats` body shape, so a token's payload is read by the same parser. */
function toBody(call: CallRequest): Record<string, unknown> {
  return {
    call_id: call.callId,
    from: call.from,
    to: call.to,
    agent_call_id: call.agentCallId,
    agent: { system_prompt: call.agent.systemPrompt, introduction: call.agent.introduction },
    metadata: call.metadata,
  };
}
