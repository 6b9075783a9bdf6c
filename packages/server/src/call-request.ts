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
