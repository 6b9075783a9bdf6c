import type { ChatMessage } from "./chat-message.js";
import type { ToolSchema } from "@switchboard/core";
import type { ToolCallDelta } from "./tool-call-accumulator.js";

/**
 * The body of a streaming chat-completions request, as {@link OpenAIChat} sends it.
 * @example
 * const body: ChatCompletionStreamRequest = { model: "gpt-4o-mini", messages: [], stream: true };
 */
export interface ChatCompletionStreamRequest {
  model: string;
  messages: ChatMessage[];
  stream: true;
  stream_options?: { include_usage?: boolean };
  tools?: ToolSchema[];
  tool_choice?: "auto" | "none" | "required";
  temperature?: number;
  max_completion_tokens?: number;
}

/**
 * One streamed chunk of a chat completion: the fields {@link OpenAIChat} reads.
 * @example
 * const chunk: ChatCompletionStreamChunk = { choices: [{ delta: { content: "Hi" }, finish_reason: null }] };
 */
export interface ChatCompletionStreamChunk {
  /** The model that answered (may name a version of the one asked for). */
  model?: string;
  choices: Array<{
    delta: { content?: string | null; tool_calls?: ToolCallDelta[] };
    finish_reason: string | null;
  }>;
  /** On the last chunk when the request asked for `stream_options: { include_usage: true }`. */
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

/**
 * What {@link OpenAIChat} needs of an `openai` client: `chat.completions.create` that streams.
 * Typed structurally, so your own `new OpenAI(...)` (openai 6 or 7, or a compatible wrapper)
 * fits without matching this package's copy of `openai`.
 * @example
 * const client: OpenAIChatClient = new OpenAI({ baseURL: "http://localhost:11434/v1", apiKey: "ollama" });
 */
export interface OpenAIChatClient {
  chat: {
    completions: {
      create(
        body: ChatCompletionStreamRequest,
        options?: { signal?: AbortSignal; maxRetries?: number },
      ): PromiseLike<AsyncIterable<ChatCompletionStreamChunk> & { controller: AbortController }>;
    };
  };
}
