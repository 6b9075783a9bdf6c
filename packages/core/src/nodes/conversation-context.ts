import { ROOT_CONTEXT, type Context } from "@opentelemetry/api";
import { AgentResponse, ToolCall, ToolResult, UserTranscriptionReceived } from "../events.js";
import type { TokenUsage } from "./generation-metrics.js";

/** Init object of {@link ConversationContext}. */
export interface ConversationContextInit {
  /** The history, read live: events recorded during this generation appear as they are delivered. */
  events: () => readonly object[];
  systemPrompt: string;
  metadata?: Record<string, unknown>;
  signal: AbortSignal;
  /** How many of the latest events the model sees. Default 100. */
  maxContextLength?: number;
  /** The generation's OpenTelemetry context (its span). Default: the root context. */
  traceContext?: Context;
  /** Receives what `recordTokenUsage` is given: the generation's metrics add it up. */
  onTokenUsage?: (usage: TokenUsage) => void;
}

/**
 * What a reasoning node's `processContext` sees: the (bounded) history, the system prompt,
 * call metadata and the generation's abort signal.
 * @example
 * protected async *processContext(context: ConversationContext) {
 *   yield `You said: ${context.getLatestUserTranscriptMessage() ?? "nothing"}`;
 * }
 */
export class ConversationContext {
  readonly systemPrompt: string;
  readonly metadata: Record<string, unknown>;
  /** Aborts when the generation is interrupted: pass it to every request. */
  readonly signal: AbortSignal;
  readonly maxContextLength: number;
  /**
   * The generation's OpenTelemetry context: pass it to model requests and tool runs so their spans
   * are the generation's children (`OpenAIChatNode` does).
   */
  readonly traceContext: Context;
  readonly #events: () => readonly object[];
  readonly #onTokenUsage: ((usage: TokenUsage) => void) | undefined;

  constructor(init: ConversationContextInit) {
    this.#events = init.events;
    this.systemPrompt = init.systemPrompt;
    this.metadata = init.metadata ?? {};
    this.signal = init.signal;
    this.maxContextLength = init.maxContextLength ?? 100;
    this.traceContext = init.traceContext ?? ROOT_CONTEXT;
    this.#onTokenUsage = init.onTokenUsage;
  }

  /**
   * Reports the tokens one model request used; the generation's metrics (`generation.input_tokens`,
   * `generation.output_tokens`) and its span add them up.
   * @example
   * if (chunk.usage) context.recordTokenUsage(chunk.usage);
   */
  recordTokenUsage(usage: TokenUsage): void {
    this.#onTokenUsage?.(usage);
  }

  /**
   * The latest `maxContextLength` events, never starting with a tool result whose call was cut
   * off (a model API would reject that).
   */
  get events(): readonly object[] {
    const all = this.#events();
    let start = Math.max(0, all.length - this.maxContextLength);
    while (start < all.length && all[start] instanceof ToolResult) start++;
    return start === 0 ? all : all.slice(start);
  }

  /** The content of the most recent user transcription, if any. */
  getLatestUserTranscriptMessage(): string | undefined {
    const events = this.#events();
    for (let i = events.length - 1; i >= 0; i--) {
      const event = events[i];
      if (event instanceof UserTranscriptionReceived) return event.content;
    }
    return undefined;
  }

  /** The history as plain text, one line per event, for prompts and logs. */
  formatEvents(): string {
    return this.events
      .map(formatEvent)
      .filter((line) => line !== undefined)
      .join("\n");
  }
}

function formatEvent(event: object): string | undefined {
  if (event instanceof UserTranscriptionReceived) return `User: ${event.content}`;
  if (event instanceof AgentResponse)
    return `Agent: ${event.content}${event.interrupted === true ? " [interrupted]" : ""}`;
  if (event instanceof ToolCall)
    return `Tool call ${event.toolName}(${JSON.stringify(event.toolArgs)})`;
  if (event instanceof ToolResult) return `Tool result ${event.toolName}: ${event.resultStr}`;
  return undefined;
}
