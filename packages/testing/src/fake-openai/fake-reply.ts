/**
 * A tool call the fake model makes. `arguments` is sent as given when it is a string (so a test
 * can send malformed JSON), or JSON-encoded when it is an object.
 * @example
 * const call: FakeToolCall = { name: "get_weather", arguments: { city: "Paris" } };
 */
export interface FakeToolCall {
  /** The call id; default `call_<n>`, unique per server. */
  id?: string;
  name: string;
  arguments: string | Record<string, unknown>;
  /** Into how many SSE deltas the arguments string is split. Default 3 (fewer for short strings). */
  argumentFragments?: number;
}

/**
 * An OpenAI-shaped HTTP error the server answers with instead of a completion.
 * @example
 * const rateLimited: FakeErrorReply = { status: 429, headers: { "retry-after-ms": "10" } };
 */
export interface FakeErrorReply {
  status: number;
  /** Default: a message like the one OpenAI sends for this status. */
  message?: string;
  /** Default: `invalid_request_error`, `rate_limit_exceeded`, `server_error`… by status. */
  type?: string;
  /** Default: `invalid_api_key` for 401, `rate_limit_exceeded` for 429, else `null`. */
  code?: string | null;
  /** Extra response headers (e.g. `retry-after`). */
  headers?: Record<string, string>;
}

/**
 * What the fake model answers to one `/v1/chat/completions` request. Streamed as SSE when the
 * request asks for `stream: true`, as one JSON body otherwise.
 * @example
 * server.enqueue({ content: "Hello there!" });
 * server.enqueue({ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
 * server.enqueue({ error: { status: 500 } });
 * server.enqueue({ content: "Cut off here", dropAfterChunks: 2 });
 */
export interface FakeReply {
  /**
   * The assistant's text. A string is split into word-sized tokens (leading whitespace kept, as
   * OpenAI's tokens do); an array is sent chunk by chunk as given.
   */
  content?: string | readonly string[];
  toolCalls?: readonly FakeToolCall[];
  /**
   * `sequential` (OpenAI's usual order): each call's header then its argument fragments, call
   * after call. `interleaved`: all headers first, then the calls' fragments alternating.
   */
  toolCallOrder?: "sequential" | "interleaved";
  /** Default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: "stop" | "length" | "tool_calls" | "content_filter";
  /** Answer with this HTTP error instead. */
  error?: FakeErrorReply;
  /** Streaming only: destroy the socket after this many SSE events (a network drop mid-stream). */
  dropAfterChunks?: number;
  /**
   * Streaming only: after this many SSE events, send nothing more and keep the response open
   * until the client goes away (a model that stalls; handy to abort at a known point).
   */
  stallAfterChunks?: number;
  /** Delay before the response headers and first event (ms). Overrides the server default. */
  firstTokenDelayMs?: number;
  /** Delay between SSE events (ms). Overrides the server default. */
  tokenDelayMs?: number;
  /** The `model` field of the response; default the request's model. */
  model?: string;
}

/** A request the server received, body parsed. */
export interface RecordedRequest {
  /** Position among every request this server received, from 0. */
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body (`undefined` for no body or a body that is not JSON). */
  readonly body: ChatCompletionRequestBody | undefined;
  /** `Date.now()` when the request arrived. */
  readonly receivedAt: number;
}

/** The parts of a chat completion request body the fake reads; everything else is kept as sent. */
export interface ChatCompletionRequestBody {
  model?: string;
  messages?: unknown[];
  tools?: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** A request whose client closed the connection before the response ended. */
export interface AbortedRequest {
  readonly index: number;
  readonly path: string;
  /** How many SSE events had been written when the client went away. */
  readonly chunksSent: number;
  /** `Date.now()` when the close was seen. */
  readonly abortedAt: number;
}

/** Decides the reply to a request when no queued reply is waiting. */
export type FakeReplyHandler = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;
