import { AgentResponse } from "../events.js";

/**
 * What the text operators read: a plain string or an `AgentResponse` chunk.
 * @example const chunks: TextChunk[] = ["Hi", new AgentResponse({ content: " there." })];
 */
export type TextChunk = string | AgentResponse;

/**
 * What a text operator emits for inputs of type `T`: text as `AgentResponse`, the rest unchanged.
 *
 * Anything that is not text (a `ToolCall`, a non-text `AgentResponse`, …) passes through as is.
 * @example type Out = TextOperatorOutput<string | ToolCall>; // AgentResponse | ToolCall
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
