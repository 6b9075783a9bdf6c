import { context, trace } from "@opentelemetry/api";
import { isAbortError, type TokenUsage } from "@switchboard/core";
import OpenAI from "openai";
import type { ChatChunk, ChatModel, ChatRequest } from "./chat-model.js";
import type { ChatCompletionStreamRequest, OpenAIChatClient } from "./openai-chat-client.js";
import { toChatModelError, type ChatModelError } from "./chat-model-error.js";
import { endChatSpan, startChatSpan } from "./internal/chat-span.js";
import { abortError } from "./internal/abort-error.js";
import { toolSchemas } from "./internal/offered-tools.js";
import { ToolCallAccumulator } from "./tool-call-accumulator.js";

/** Options of {@link OpenAIChat}. */
export interface OpenAIChatOptions {
  /** The model id, e.g. `gpt-4o-mini` (or a local model's name on a compatible server). */
  model: string;
  /** Default: the `openai` client's own (`OPENAI_API_KEY`); a placeholder when only `baseURL` is given. */
  apiKey?: string;
  /** Any OpenAI-compatible server, e.g. `http://localhost:11434/v1` (Ollama). */
  baseURL?: string;
  /**
   * Your own client (e.g. `new OpenAI({ ... })` from openai 6 or 7); `apiKey` and `baseURL` are
   * then ignored. Its retries are bypassed per request (`maxRetries: 0`): the caller decides.
   */
  client?: OpenAIChatClient;
  /** Default sampling temperature; a request's own wins. */
  temperature?: number;
  /**
   * Ask for the request's token usage (`stream_options: { include_usage: true }`): it ends the
   * stream as `ChatChunk.usage`, goes into the generation's metrics and the request's span. Turn it
   * off for a compatible server that rejects `stream_options`. Default true.
   */
  includeUsage?: boolean;
}

/**
 * Streaming chat over the official `openai` client, against OpenAI or any compatible server.
 * Text is yielded as it arrives; tool calls are assembled from their deltas and yielded once,
 * complete, at the end. Aborting the request's `signal` closes the HTTP response at once and
 * rejects the stream with an `AbortError` (as `fetch` does), so code after the `for await` never runs. Failures throw a `ChatModelError`; the client's own retries are
 * turned off so that the caller (e.g. `OpenAIChatNode`) decides when a retry still makes sense.
 * @example
 * const llm = new OpenAIChat({ model: "gpt-4o-mini" });
 * for await (const chunk of llm.chat({ messages: [{ role: "user", content: "Hi!" }], signal })) {
 *   if (chunk.content) process.stdout.write(chunk.content);
 *   if (chunk.toolCalls) console.log(chunk.toolCalls);
 * }
 */
export class OpenAIChat implements ChatModel {
  readonly model: string;
  readonly client: OpenAIChatClient;
  readonly #temperature: number | undefined;
  readonly #includeUsage: boolean;

  constructor(options: OpenAIChatOptions) {
    this.model = options.model;
    this.#temperature = options.temperature;
    this.#includeUsage = options.includeUsage ?? true;
    this.client =
      options.client ??
      new OpenAI({
        maxRetries: 0,
        ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
        ...(options.apiKey !== undefined
          ? { apiKey: options.apiKey }
          : options.baseURL !== undefined &&
            !process.env["OPENAI_API_KEY"] && { apiKey: "not-needed" }),
      });
    this.chat = this.chat.bind(this);
  }

  /** Streams the reply to `request` (see the class summary). */
  async *chat(request: ChatRequest): AsyncGenerator<ChatChunk, void, undefined> {
    const { signal } = request;
    if (signal?.aborted) throw abortError(signal);
    const tools = toolSchemas(request.tools);
    const temperature = request.temperature ?? this.#temperature;
    const body: ChatCompletionStreamRequest = {
      model: this.model,
      messages: [...request.messages],
      stream: true,
      ...(this.#includeUsage && { stream_options: { include_usage: true } }),
      ...(tools.length > 0 && { tools }),
      ...(tools.length > 0 &&
        request.toolChoice !== undefined && { tool_choice: request.toolChoice }),
      ...(temperature !== undefined && { temperature }),
      ...(request.maxTokens !== undefined && { max_completion_tokens: request.maxTokens }),
    };
    const parent = request.traceContext ?? context.active();
    const span = startChatSpan({
      model: this.model,
      temperature,
      maxTokens: request.maxTokens,
      parent,
    });
    const calls = new ToolCallAccumulator();
    let finishReason: string | undefined;
    let responseModel: string | undefined;
    let usage: TokenUsage | undefined;
    let failure: ChatModelError | undefined;
    let ended = false;
    try {
      let stream;
      try {
        // The request runs in the span's context, so an instrumented HTTP client nests under it.
        stream = await context.with(trace.setSpan(parent, span), () =>
          this.client.chat.completions.create(body, {
            maxRetries: 0,
            ...(signal !== undefined && { signal }),
          }),
        );
      } catch (error) {
        if (signal?.aborted || isAbortError(error)) throw abortError(signal, error);
        throw (failure = toChatModelError(error));
      }

      try {
        for await (const chunk of stream) {
          responseModel ??= chunk.model;
          // The usage chunk comes last, with no choices.
          if (chunk.usage) usage = toTokenUsage(chunk.usage);
          const choice = chunk.choices[0];
          if (choice === undefined) continue;
          const { content, tool_calls: toolCallDeltas } = choice.delta;
          if (content) yield { content };
          if (toolCallDeltas) calls.add(toolCallDeltas);
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
        ended = true;
      } catch (error) {
        if (signal?.aborted || isAbortError(error)) throw abortError(signal, error);
        throw (failure = toChatModelError(error));
      } finally {
        // Closed early (the consumer stopped pulling, or an abort): close the HTTP response now.
        if (!ended) stream.controller.abort();
      }
      // The SDK ends an aborted stream without throwing; an aborted reply's calls are incomplete.
      if (signal?.aborted) throw abortError(signal);
      if (calls.hasCalls || finishReason !== undefined || usage !== undefined) {
        yield {
          ...(calls.hasCalls && { toolCalls: calls.complete() }),
          ...(finishReason !== undefined && { finishReason }),
          ...(usage !== undefined && { usage }),
        };
      }
    } finally {
      endChatSpan(span, {
        responseModel,
        finishReason,
        usage,
        interrupted: failure === undefined && (!ended || signal?.aborted === true),
        error: failure,
      });
    }
  }
}

function toTokenUsage(usage: { prompt_tokens: number; completion_tokens: number }): TokenUsage {
  return { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
}
