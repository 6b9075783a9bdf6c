import type { Context } from "@opentelemetry/api";
import type { TokenUsage, Tool, ToolRegistry } from "@switchboard/core";
import type { ChatMessage } from "./chat-message.js";

/**
 * A complete tool call from the model: `arguments` is its raw JSON string, exactly as sent
 * (possibly malformed; `ToolRegistry.execute` turns bad JSON into a `ToolResult` error).
 * @example
 * const call: ChatToolCall = { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' };
 */
export interface ChatToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * One item of a streamed reply: some text as it arrives, or the tool calls (each complete),
 * delivered once, at the end of the stream, with the `finishReason`.
 * @example
 * for await (const chunk of llm.chat({ messages })) if (chunk.content) process.stdout.write(chunk.content);
 */
export interface ChatChunk {
  content?: string;
  toolCalls?: ChatToolCall[];
  /** On the last chunk: why the model stopped (`stop`, `tool_calls`, `length`, …). */
  finishReason?: string;
  /** On the last chunk, when the model reported it: the tokens this request used. */
  usage?: TokenUsage;
}

/**
 * What {@link ChatModel.chat} takes.
 * @example
 * const request: ChatRequest = { messages: [{ role: "user", content: "Hi" }], signal: AbortSignal.timeout(10_000) };
 */
export interface ChatRequest {
  messages: readonly ChatMessage[];
  /** The tools the model may call; none when absent or empty. */
  tools?: ToolRegistry | readonly Tool[] | undefined;
  /** Aborting it rejects the stream with an `AbortError` at once (the HTTP request is closed). */
  signal?: AbortSignal | undefined;
  temperature?: number | undefined;
  /** Upper bound on the reply's tokens. */
  maxTokens?: number | undefined;
  /** Whether the model may, must or must not call tools. Default: the server's (`auto`). */
  toolChoice?: "auto" | "none" | "required" | undefined;
  /**
   * The OpenTelemetry context the request's span is a child of (`OpenAIChatNode` passes its
   * generation's). Default: the active context.
   */
  traceContext?: Context | undefined;
}

/**
 * A streaming chat model: `OpenAIChat`, the offline `ScriptedChat`, or anything with the same
 * `chat()` — which is all `OpenAIChatNode` needs.
 * @example
 * const echo: ChatModel = {
 *   async *chat({ messages }) {
 *     yield { content: String(messages.at(-1)?.content ?? "") };
 *   },
 * };
 */
export interface ChatModel {
  /**
   * Streams the reply. Rejects with an `AbortError` when `signal` aborts (as `fetch` does); throws
   * a `ChatModelError` when the request fails (before or during the stream).
   */
  chat(request: ChatRequest): AsyncIterable<ChatChunk>;
}
