import { randomUUID } from "node:crypto";
import { toError, type Logger } from "@switchboard/core";
import type { OutputFrame } from "./frames.js";

/** What a caller is told when the agent fails: nothing internal, ever. */
export const AGENT_ERROR_CONTENT = "The agent hit an error";

/** Codes of the agent's `error` frames (a node's `AgentError` may bring its own, e.g. `LLM_ERROR`). */
export const AgentErrorCode = {
  /** A route (a node's `generate`, a step) threw. */
  routeFailed: "ROUTE_FAILED",
  /** The call handler threw while setting the call up. */
  handlerFailed: "HANDLER_FAILED",
  /** A node reported an `AgentError` without a code. */
  agentError: "AGENT_ERROR",
  /** A handoff named an agent this call does not have. */
  unknownAgent: "UNKNOWN_AGENT",
} as const;

/**
 * Logs an agent failure's detail under a fresh correlation id and returns the generic, coded
 * `error` frame for the caller, which carries the same id: support can find the detail from
 * what the caller saw, and no stack, path, key or provider text goes out on the wire.
 * @example harness.send(agentErrorFrame(log, "ROUTE_FAILED", error, { bridge: "agent" }));
 */
export function agentErrorFrame(
  log: Logger,
  code: string,
  detail: unknown,
  fields: Record<string, unknown> = {},
): Extract<OutputFrame, { type: "error" }> {
  const correlationId = randomUUID();
  const err = typeof detail === "string" ? undefined : toError(detail);
  log.error(
    { correlationId, code, ...fields, ...(err === undefined ? { detail } : { err }) },
    "agent error sent to the caller",
  );
  return { type: "error", content: AGENT_ERROR_CONTENT, code, correlation_id: correlationId };
}
