/**
 * A tool call inside an assistant message, in the OpenAI chat format.
 * @example
 * const call: ChatMessageToolCall = { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } };
 */
export interface ChatMessageToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * One message of a chat request, in the OpenAI chat-completions format (which every
 * OpenAI-compatible server accepts).
 * @example
 * const messages: ChatMessage[] = [
 *   { role: "system", content: "You are a helpful voice agent." },
 *   { role: "user", content: "What's the weather in Paris?" },
 * ];
 */
export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatMessageToolCall[] }
  | { role: "tool"; content: string; tool_call_id: string };
