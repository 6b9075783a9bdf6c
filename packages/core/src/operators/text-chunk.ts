import { AgentResponse } from "../events.js";

/** What the text operators read: a plain string or an `AgentResponse` chunk. */
export type TextChunk = string | AgentResponse;

/**
 * What a text operator emits for input values of type `T`: text comes out as `AgentResponse`,
 * anything else (a `ToolCall`, a non-text `AgentResponse`, …) passes through unchanged.
 */
export type TextOperatorOutput<T> = AgentResponse | Exclude<T, string>;

/** The text a value carries, or `undefined` when it must pass through untouched. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof AgentResponse && value.chunkType === "text") return value.content;
  return undefined;
}

/** True for "", " ", "\n\t" …: text that must never be emitted on its own. */
export function isBlank(text: string): boolean {
  return text.trim() === "";
}
