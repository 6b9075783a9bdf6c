import { MAX_CALL_ID_LENGTH, newCallId } from "@switchboard/protocol";
import { z } from "zod";

/**
 * What the platform tells the agent about a call (Line's `CallRequest`, camelCased).
 * @example
 * const call: CallRequest = {
 *   callId: "c1", from: "+15550001", to: "+15550002", agentCallId: "c1",
 *   agent: { systemPrompt: "You are helpful.", introduction: "Hi!" }, metadata: {},
 * };
 */
export interface CallRequest {
  callId: string;
  from: string;
  to: string;
  agentCallId: string;
  agent: { systemPrompt: string; introduction: string };
  metadata: Record<string, unknown>;
}

/** Line's `POST /chats` body (snake_case). Every field is optional; missing ones get defaults. */
const callRequestBody = z.object({
  call_id: z.string().min(1).max(MAX_CALL_ID_LENGTH).optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  agent_call_id: z.string().optional(),
  agent: z
    .object({
      system_prompt: z.string().optional(),
      introduction: z.string().optional(),
    })
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** The result of reading a call request: the request, or what was wrong with it. */
export type ParsedCallRequest = { ok: true; call: CallRequest } | { ok: false; error: string };

/**
 * Reads a `POST /chats` body (already JSON-parsed) into a {@link CallRequest}.
 * @example parseCallRequestBody({ call_id: "c1", agent: { system_prompt: "Be brief." } })
 */
export function parseCallRequestBody(body: unknown): ParsedCallRequest {
  const parsed = callRequestBody.safeParse(body ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "body"}: ${issue.message}`,
    );
    return { ok: false, error: `invalid call request: ${problems.join("; ")}` };
  }
  const b = parsed.data;
  const callId = b.call_id ?? newCallId();
  return {
    ok: true,
    call: {
      callId,
      from: b.from ?? "",
      to: b.to ?? "",
      agentCallId: b.agent_call_id ?? callId,
      agent: {
        systemPrompt: b.agent?.system_prompt ?? "",
        introduction: b.agent?.introduction ?? "",
      },
      metadata: b.metadata ?? {},
    },
  };
}

const RESERVED_QUERY = new Set([
  "call_id",
  "from",
  "to",
  "agent_call_id",
  "system_prompt",
  "introduction",
]);

/**
 * Builds a call request from a WebSocket URL's query string, for clients that connect to `/ws`
 * without `POST /chats` first. Unknown parameters go into `metadata`.
 * @example callRequestFromQuery(new URLSearchParams("call_id=c1&lang=fr")).metadata; // { lang: "fr" }
 */
export function callRequestFromQuery(query: URLSearchParams): CallRequest {
  const callId = query.get("call_id") || newCallId();
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of query) if (!RESERVED_QUERY.has(key)) metadata[key] = value;
  return {
    callId,
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    agentCallId: query.get("agent_call_id") ?? callId,
    agent: {
      systemPrompt: query.get("system_prompt") ?? "",
      introduction: query.get("introduction") ?? "",
    },
    metadata,
  };
}

/** Caps on a call's `metadata`, checked by {@link checkMetadata}. */
export interface MetadataLimits {
  /** Deepest nesting of objects and arrays; the metadata object itself is depth 1. */
  maxDepth: number;
  /** Largest size as JSON, in UTF-8 bytes. */
  maxBytes: number;
}

/**
 * What is wrong with a call's metadata, or `undefined` when it is within `limits`. Nesting costs
 * memory out of proportion to its size, so depth is capped as well as bytes.
 * @example checkMetadata({ a: { b: 1 } }, { maxDepth: 8, maxBytes: 16_384 }); // undefined
 */
export function checkMetadata(
  metadata: Record<string, unknown>,
  limits: MetadataLimits,
): string | undefined {
  if (depthOver(metadata, limits.maxDepth))
    return `invalid call request: metadata is nested deeper than ${limits.maxDepth} levels`;
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > limits.maxBytes)
    return `invalid call request: metadata is ${bytes} bytes as JSON, over the ${limits.maxBytes}-byte limit`;
  return undefined;
}

/** Whether `value` nests deeper than `max`, walking no deeper than `max + 1`. */
function depthOver(value: unknown, max: number, depth = 1): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth > max) return true;
  for (const child of Object.values(value)) if (depthOver(child, max, depth + 1)) return true;
  return false;
}
