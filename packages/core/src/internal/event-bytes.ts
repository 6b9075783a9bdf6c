import { AgentResponse, ToolCall, ToolResult, UserTranscriptionReceived } from "../events.js";

/** What an event without text costs in a history budget: its object, roughly. */
export const EVENT_OVERHEAD_BYTES = 64;

/**
 * The UTF-8 size of what an event adds to a conversation history, for the history's byte caps.
 * Costs O(the event's own size), never O(the history).
 */
export function eventBytes(event: object): number {
  if (event instanceof UserTranscriptionReceived || event instanceof AgentResponse)
    return EVENT_OVERHEAD_BYTES + Buffer.byteLength(event.content);
  if (event instanceof ToolCall)
    return EVENT_OVERHEAD_BYTES + Buffer.byteLength(event.toolName) + jsonBytes(event.toolArgs);
  if (event instanceof ToolResult)
    return (
      EVENT_OVERHEAD_BYTES + Buffer.byteLength(event.toolName) + Buffer.byteLength(event.resultStr)
    );
  return EVENT_OVERHEAD_BYTES;
}

function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? "");
  } catch {
    return 0;
  }
}

/** Whether a string ends with whitespace, looking at its last code unit only (every `\s` is in the BMP). */
export function endsWithSpace(text: string): boolean {
  return text !== "" && /\s/.test(text.charAt(text.length - 1));
}

/** Whether a string starts with whitespace, looking at its first code unit only. */
export function startsWithSpace(text: string): boolean {
  return text !== "" && /\s/.test(text.charAt(0));
}

/**
 * The end of `text` that fits in `maxBytes` of UTF-8 (never splitting a surrogate pair), and how many
 * bytes were cut from its start.
 */
export function keepTail(text: string, maxBytes: number): { text: string; droppedBytes: number } {
  const total = Buffer.byteLength(text);
  if (total <= maxBytes) return { text, droppedBytes: 0 };
  let dropped = 0;
  let i = 0;
  while (i < text.length && total - dropped > maxBytes) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      dropped += 4;
      i += 2;
    } else {
      dropped += code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
      i += 1;
    }
  }
  return { text: text.slice(i), droppedBytes: dropped };
}
