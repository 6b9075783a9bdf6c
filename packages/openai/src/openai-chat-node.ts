import {
  AgentError,
  delay,
  isAbortError,
  ReasoningNode,
  ToolRegistry,
  toToolCall,
  type ConversationContext,
  type ReasoningNodeOptions,
  type Tool,
  type ToolCall,
  type ToolResult,
} from "@switchboard/core";
import type { ChatModel, ChatToolCall } from "./chat-model.js";
import { ChatModelError, toChatModelError } from "./chat-model-error.js";
import { contextToMessages, type ContextToMessagesOptions } from "./context-to-messages.js";
import { retryDelay } from "./internal/retry-delay.js";
import { toRegistry } from "./internal/offered-tools.js";

/** Options of {@link OpenAIChatNode}. */
export interface OpenAIChatNodeOptions extends ReasoningNodeOptions {
  /** The model: `OpenAIChat`, `ScriptedChat`, or anything with the same `chat()`. */
  llm: ChatModel;
  /** The tools offered to the model. */
  tools?: ToolRegistry | readonly Tool[];
  /** How many rounds of tool calls one reply may take; the next request offers no tools. Default 5. */
  maxToolRounds?: number;
  /** Say `fillerText` when tools are still running after this many ms. Default 1500. */
  fillerAfterMs?: number;
  /** Default "One moment while I look that up." */
  fillerText?: string;
  /** Spoken when the model cannot be reached or fails. Default "Sorry, I'm having trouble right now." */
  fallbackText?: string;
  /** Retries of a request that failed before its first chunk with a rate limit, server or connection error. Default 2. */
  maxRetries?: number;
  /**
   * The first retry waits a random 0..`retryDelayMs` ms ("full jitter"); the window doubles each
   * retry. A server's `retry-after` wins. Capped at 4 s. Default 250.
   */
  retryDelayMs?: number;
  /**
   * Per tool call; a call still running after this is aborted and reported as timed out. A tool's
   * own `timeoutMs` wins. Default: the registry's (30 s).
   */
  toolTimeoutMs?: number;
  /**
   * A model stream that sends nothing for this long (before its first chunk or between two) is
   * aborted, and the fallback is spoken. Time the route spends on a chunk does not count. Default 10 s.
   */
  stallTimeoutMs?: number;
  temperature?: number;
  /** How the history becomes chat messages. */
  messages?: ContextToMessagesOptions;
}

const MAX_RETRY_DELAY_MS = 4000;

/**
 * Aborts its `signal` when left armed for `ms`: a model stream's silence, counted only while the
 * node waits for the model. `disarm()` clears the timer; nothing outlives the attempt.
 */
class StallWatchdog {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number) {
    this.#ms = ms;
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get fired(): boolean {
    return this.#controller.signal.aborted;
  }

  arm(): void {
    clearTimeout(this.#timer);
    if (!Number.isFinite(this.#ms) || this.fired) return;
    this.#timer = setTimeout(() => this.#controller.abort(), this.#ms);
  }

  disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/** The node's options with their defaults applied. */
interface NodeSettings {
  maxToolRounds: number;
  fillerAfterMs: number;
  fillerText: string;
  fallbackText: string;
  maxRetries: number;
  retryDelayMs: number;
  toolTimeoutMs: number | undefined;
  stallTimeoutMs: number;
  temperature: number | undefined;
  messages: ContextToMessagesOptions | undefined;
}

/**
 * A reasoning node that talks to a chat model: it streams the model's text, runs the tools the
 * model asks for (in parallel, through a `ToolRegistry`), says a filler when they are slow,
 * feeds the results back and streams the follow-up, for a bounded number of rounds. An
 * interrupt aborts everything in flight — the model's HTTP request and running tools. A failed
 * request becomes an `AgentError` and a spoken fallback, never a crashed route; one that fails
 * before its first chunk with a rate limit, server or connection error is retried.
 * @example
 * const node = new OpenAIChatNode({
 *   systemPrompt: "You are a helpful voice agent.",
 *   llm: new OpenAIChat({ model: "gpt-4o-mini" }),
 *   tools: [getWeather],
 * });
 * const bridge = new Bridge(node);
 * bridge.on(UserTranscriptionReceived).map(node.addEvent);
 * bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking, node.onInterruptGenerate).stream(node.generate).broadcast();
 */
export class OpenAIChatNode extends ReasoningNode {
  readonly llm: ChatModel;
  readonly tools: ToolRegistry;
  readonly #options: NodeSettings;

  constructor(options: OpenAIChatNodeOptions) {
    super(options);
    this.llm = options.llm;
    this.tools =
      options.tools === undefined
        ? new ToolRegistry([], { logger: this.log })
        : toRegistry(options.tools);
    this.#options = {
      maxToolRounds: options.maxToolRounds ?? 5,
      fillerAfterMs: options.fillerAfterMs ?? 1500,
      fillerText: options.fillerText ?? "One moment while I look that up.",
      fallbackText: options.fallbackText ?? "Sorry, I'm having trouble right now.",
      maxRetries: options.maxRetries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 250,
      toolTimeoutMs: options.toolTimeoutMs,
      stallTimeoutMs: options.stallTimeoutMs ?? 10_000,
      temperature: options.temperature,
      messages: options.messages,
    };
  }

  protected override async *processContext(
    context: ConversationContext,
  ): AsyncGenerator<object | string> {
    const { signal } = context;
    // Where two separate texts meet (a round's answer, the filler, the next round), keep words apart.
    let endsWithSpace = true;
    const spoken = (text: string, startsNewText: boolean) => {
      const out = startsNewText && !endsWithSpace && !/^\s/.test(text) ? ` ${text}` : text;
      endsWithSpace = /\s$/.test(out);
      return out;
    };
    const spaced = (text: string) => spoken(text, true);

    for (let round = 0; ; round++) {
      const offerTools = this.tools.size > 0 && round < this.#options.maxToolRounds;
      let calls: ChatToolCall[] = [];
      for (let attempt = 0; ; attempt++) {
        let started = false;
        const stall = new StallWatchdog(this.#options.stallTimeoutMs);
        try {
          const messages = contextToMessages(context, this.#options.messages);
          const stream = this.llm.chat({
            messages,
            ...(offerTools && { tools: this.tools }),
            signal: AbortSignal.any([signal, stall.signal]),
            traceContext: context.traceContext,
            ...(this.#options.temperature !== undefined && {
              temperature: this.#options.temperature,
            }),
          });
          stall.arm();
          for await (const chunk of stream) {
            // The route's time with a chunk (a slow TTS, a slow reader) is not the model's stall.
            stall.disarm();
            if (chunk.content) {
              yield spoken(chunk.content, !started);
              started = true;
            }
            if (chunk.toolCalls) calls.push(...chunk.toolCalls);
            if (chunk.usage) context.recordTokenUsage(chunk.usage);
            stall.arm();
          }
          stall.disarm();
          if (!stall.fired) break;
        } catch (thrown) {
          stall.disarm();
          if (signal.aborted || (!stall.fired && isAbortError(thrown))) return;
          if (!stall.fired) {
            const error = toChatModelError(thrown);
            calls = [];
            if (!started && error.retryable && attempt < this.#options.maxRetries) {
              const wait = retryDelay({
                attempt,
                baseMs: this.#options.retryDelayMs,
                capMs: MAX_RETRY_DELAY_MS,
                retryAfterMs: error.retryAfterMs,
              });
              this.log.warn(
                { err: error, attempt: attempt + 1, delayMs: wait },
                "model request failed; retrying",
              );
              try {
                await delay(wait, { signal });
              } catch (waitError) {
                if (isAbortError(waitError)) return;
                throw waitError;
              }
              continue;
            }
            this.log.error(
              { err: error, kind: error.kind, status: error.status },
              "model request failed",
            );
            yield new AgentError({ error, code: error.code });
            yield spaced(this.#options.fallbackText);
            return;
          }
        } finally {
          stall.disarm();
        }
        if (signal.aborted) return;
        // Stalled: the request was aborted; a stalled model is not retried (it would stall the turn again).
        const error = new ChatModelError(
          `the model sent nothing for ${this.#options.stallTimeoutMs} ms`,
          { kind: "connection" },
        );
        this.log.warn(
          { stallTimeoutMs: this.#options.stallTimeoutMs, started },
          "model stream stalled; aborted",
        );
        yield new AgentError({ error, code: error.code });
        yield spaced(this.#options.fallbackText);
        return;
      }
      if (signal.aborted || calls.length === 0) return;
      if (!offerTools) {
        this.log.warn(
          { round, calls: calls.length },
          "model called tools that were not offered; ignoring",
        );
        return;
      }

      const events = calls.map(toToolCall);
      for (const event of events) yield event;
      const results = yield* this.#runTools(events, context, spaced);
      if (results === undefined) return;
      for (const result of results) yield result;
    }
  }

  /** Runs one round's calls in parallel; says the filler if they are slow. `undefined` when interrupted. */
  async *#runTools(
    calls: ToolCall[],
    context: ConversationContext,
    spaced: (text: string) => string,
  ): AsyncGenerator<string, ToolResult[] | undefined> {
    const { signal } = context;
    const running = this.tools.execute(calls, {
      parallel: true,
      signal,
      traceContext: context.traceContext,
      // An `onInterrupt: "continue"` tool finishing after an interrupt: its result replaces the
      // interrupted placeholder in the history, so the next turn's model sees it.
      onBackgroundResult: (result) => this.addEvent(result),
      // Tool logs go through this node's logger: the app's, when the node was given it or runs on its bus.
      logger: this.log,
      ...(this.#options.toolTimeoutMs !== undefined && { timeoutMs: this.#options.toolTimeoutMs }),
    });
    const timer = new AbortController();
    const slow = delay(this.#options.fillerAfterMs, {
      signal: AbortSignal.any([signal, timer.signal]),
    }).then(
      () => true,
      () => false,
    );
    const first = await Promise.race([running, slow]);
    timer.abort();
    if (signal.aborted) return undefined;
    if (first === true) yield spaced(this.#options.fillerText);
    const results = await running;
    return signal.aborted ? undefined : results;
  }
}
