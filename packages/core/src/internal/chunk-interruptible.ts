import { AgentResponse } from "../events.js";

/**
 * Whether a value going out may be cut off: the `interruptible` flag of an `AgentResponse`, or
 * `undefined` for anything else (a tool call, a completion), which neither starts nor ends an
 * uninterruptible segment.
 */
export function chunkInterruptible(value: unknown): boolean | undefined {
  return value instanceof AgentResponse ? value.interruptible : undefined;
}
