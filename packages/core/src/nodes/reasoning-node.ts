import {
  AgentGenerationComplete,
  AgentResponse,
  AgentSpeechSent,
  type LogMetric,
  ToolCall,
  ToolResult,
  UserBackchannel,
  UserTranscriptionReceived,
} from "../events.js";
import {
  EVENT_OVERHEAD_BYTES,
  endsWithSpace,
  eventBytes,
  keepTail,
  startsWithSpace,
} from "../internal/event-bytes.js";
import { Generation } from "../internal/generation.js";
import {
  asyncIteratorOf,
  PullThroughIterator,
  SKIP,
  type PullThrough,
} from "../internal/pull-through.js";
import { Message } from "../message.js";
import { isAbortError } from "../errors.js";
import { traceParentOfNode } from "../internal/outbox.js";
import { parentContext, recordSpanError, tracer } from "../internal/tracer.js";
import { isSpanContextValid, trace, type Span } from "@opentelemetry/api";
import type { RouteContext } from "../route-context.js";
import { ConversationContext } from "./conversation-context.js";
import { GenerationTimer, metricEventsOf, type GenerationMetrics } from "./generation-metrics.js";
import { Node, type NodeOptions } from "./node.js";

/** Options of {@link ReasoningNode}. */
export interface ReasoningNodeOptions extends NodeOptions {
  systemPrompt: string;
  /** How many of the latest history events the model sees. Default 100. */
  maxContextLength?: number;
  /** Call metadata handed to `processContext` through the context. */
  metadata?: Record<string, unknown>;
  /**
   * Largest user turn kept, in UTF-8 bytes: consecutive transcriptions merge into one turn, and past
   * this the oldest text of the turn is dropped (logged once per turn). Default 32 KiB.
   */
  maxTurnBytes?: number;
  /**
   * Largest history kept, in UTF-8 bytes of its texts, tool arguments and results: past this the
   * oldest events are dropped (a tool call together with its results), with a log line. Default 1 MiB.
   */
  maxHistoryBytes?: number;
  /**
   * When a generation's metrics go out as `LogMetric` events (`log_metric` frames) too. Every
   * generation's metrics ride on its `AgentGenerationComplete` (the `generation_complete` frame's
   * metadata). `"interrupted"` (the default) publishes them as `LogMetric`s only for a generation
   * whose completion does not go out: one cut off by the user. `"always"` does so for every
   * generation, before its completion, as 0.1 did (four to six frames more per answer).
   */
  metricEvents?: "interrupted" | "always";
}

/**
 * What `generate` yields for a node whose `processContext` yields `Y`: its events (a string
 * becomes an `AgentResponse`), then the generation's bookkeeping (one `AgentGenerationComplete`
 * with its metrics, after its `LogMetric`s with `metricEvents: "always"`). `C` is computed (the
 * events as the route sees them); an untyped node's read `object`.
 */
export type GeneratedEvent<
  Y,
  C = Y extends string ? AgentResponse : Exclude<Y, AgentGenerationComplete>,
> = (object extends C ? object : C) | AgentGenerationComplete | LogMetric;

/** Logs of dropped history come at most this often per node. */
const DROP_LOG_INTERVAL_MS = 1000;

const NEVER_ABORTED = new AbortController().signal;

/** Matches a string that is not only whitespace (what `trim()` removes), without making a trimmed copy. */
const NOT_BLANK = /\S/;

/**
 * Whether `text` is more than whitespace. Most chunks start with a printable ASCII character,
 * which answers it without running the regular expression.
 */
function notBlank(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first > 32 && first < 127) || NOT_BLANK.test(text);
}

/**
 * A node that answers: it keeps the conversation history and streams a reply from
 * `processContext`. `generate` is the template method a route streams; the history it keeps
 * holds only what was delivered, so an interrupted turn never carries text the user did not get.
 * @example
 * class EchoNode extends ReasoningNode {
 *   protected async *processContext(context: ConversationContext) {
 *     yield `You said: ${context.getLatestUserTranscriptMessage() ?? ""}`;
 *   }
 * }
 * const node = new EchoNode({ systemPrompt: "Echo the user." });
 * bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking, node.onInterruptGenerate).stream(node.generate).broadcast();
 * @typeParam Y - What `processContext` yields. Name it (`extends ReasoningNode<AgentResponse>`)
 *   and `generate`, and so each stage after `.stream(node.generate)`, is typed by it.
 */
export abstract class ReasoningNode<Y extends object | string = object | string> extends Node {
  readonly systemPrompt: string;
  readonly maxContextLength: number;
  metadata: Record<string, unknown>;
  readonly maxTurnBytes: number;
  readonly maxHistoryBytes: number;
  /** When a generation's metrics go out as `LogMetric`s too ({@link ReasoningNodeOptions.metricEvents}). */
  readonly metricEvents: "interrupted" | "always";
  /** The history: user transcriptions, agent responses (merged per turn), tool calls and results. */
  conversationEvents: object[] = [];
  /** Bytes of each event `addEvent` recorded, so a merge or a cap costs O(the new event). */
  readonly #sizes = new WeakMap<object, number>();
  /** The event recorded last and its size (see `#remember`). */
  #newest: object | undefined;
  #newestBytes = 0;
  /** The history array the byte count below belongs to (a new array after `clearContext`). */
  #countedHistory: object[] | undefined;
  #historyBytes = 0;
  /** Whether a merged turn's text ends with whitespace: recorded at each merge, so a turn is never scanned. */
  readonly #spaceAtEnd = new WeakMap<object, boolean>();
  /** Whether the open user turn's cap was logged already (once per turn). */
  #turnCapLogged = false;
  #lastDropLog = -Infinity;

  constructor(options: ReasoningNodeOptions) {
    super(options);
    this.systemPrompt = options.systemPrompt;
    this.maxContextLength = options.maxContextLength ?? 100;
    this.maxTurnBytes = options.maxTurnBytes ?? 32 * 1024;
    this.maxHistoryBytes = options.maxHistoryBytes ?? 1024 * 1024;
    this.metricEvents = options.metricEvents ?? "interrupted";
    this.metadata = options.metadata ?? {};
    this.addEvent = this.addEvent.bind(this);
    this.clearContext = this.clearContext.bind(this);
    this.generate = this.generate.bind(this);
  }

  /**
   * Adds an event (or a message's event) to the history. Consecutive agent responses merge into
   * one turn whatever their chunk types, as do consecutive user transcriptions;
   * `AgentGenerationComplete` is not part of the conversation and is not recorded. `AgentSpeechSent` trims the last agent turn
   * to what was actually spoken; a late `ToolResult` replaces the placeholder of its interrupted call.
   */
  addEvent(eventOrMessage: object): void {
    const event: object =
      eventOrMessage instanceof Message ? (eventOrMessage as Message).event : eventOrMessage;
    const history = this.conversationEvents;
    if (this.#countedHistory !== history) this.#recount(history);
    const last = history.at(-1);
    /** Where an agent response merges into the open agent turn. */
    let at: number;
    if (event instanceof AgentSpeechSent) {
      this.#trimToSpoken(event.content);
    } else if (event instanceof AgentGenerationComplete) {
      return; // the end of a turn, not part of the conversation
    } else if (event instanceof AgentResponse && (at = this.#continuesTurn()) !== -1) {
      const turn = history[at] as AgentResponse;
      // One agent turn, whatever its chunks' types ("buffered", "final", …): a turn of mixed
      // types is plain text to the model.
      const content = turn.content + event.content;
      const chunkType = turn.chunkType === event.chunkType ? turn.chunkType : "text";
      this.#replaceAt(
        at,
        turn.interrupted === true || event.interrupted === true
          ? new AgentResponse({ content, chunkType, interrupted: true })
          : new AgentResponse({ content, chunkType }),
        this.#sizeOf(turn) + Buffer.byteLength(event.content),
      );
    } else if (
      event instanceof UserTranscriptionReceived &&
      last instanceof UserTranscriptionReceived
    ) {
      this.#mergeTranscription(last, event);
    } else if (event instanceof ToolResult && this.#replacePlaceholder(event)) {
      return;
    } else if (event instanceof UserTranscriptionReceived) {
      this.#turnCapLogged = false;
      this.#push(this.#capTurn(event));
    } else {
      this.#push(event);
    }
    this.#dropOldest();
  }

  /**
   * Joins a transcription to the open user turn in O(the new text): the join looks at one character
   * on each side, never re-scans the turn (a flood of transcriptions was quadratic). A turn over
   * `maxTurnBytes` loses its oldest text.
   */
  #mergeTranscription(last: UserTranscriptionReceived, event: UserTranscriptionReceived): void {
    const a = last.content;
    const b = event.content;
    const separator =
      a === "" || b === "" || this.#endsWithSpace(last) || startsWithSpace(b) ? "" : " ";
    const merged = new UserTranscriptionReceived({ content: a + separator + b });
    const bytes = this.#sizeOf(last) + separator.length + Buffer.byteLength(b);
    this.#spaceAtEnd.set(merged, b === "" ? this.#endsWithSpace(last) : endsWithSpace(b));
    this.#replaceAt(this.conversationEvents.length - 1, merged, bytes);
    if (bytes - EVENT_OVERHEAD_BYTES > this.maxTurnBytes) {
      const capped = this.#capTurn(merged);
      this.#replaceAt(this.conversationEvents.length - 1, capped, eventBytes(capped));
    }
  }

  #endsWithSpace(turn: UserTranscriptionReceived): boolean {
    return this.#spaceAtEnd.get(turn) ?? endsWithSpace(turn.content);
  }

  /** The turn's newest `maxTurnBytes`; the first cut of a turn is logged. */
  #capTurn(turn: UserTranscriptionReceived): UserTranscriptionReceived {
    const { text, droppedBytes } = keepTail(turn.content, this.maxTurnBytes);
    if (droppedBytes === 0) return turn;
    const capped = new UserTranscriptionReceived({ content: text });
    this.#spaceAtEnd.set(capped, endsWithSpace(text));
    if (!this.#turnCapLogged) {
      this.#turnCapLogged = true;
      this.log.info(
        { droppedBytes, maxTurnBytes: this.maxTurnBytes },
        "user turn over maxTurnBytes, oldest text dropped",
      );
    }
    return capped;
  }

  #push(event: object): void {
    const bytes = eventBytes(event);
    this.#remember(event, bytes, undefined);
    this.#historyBytes += bytes;
    this.conversationEvents.push(event);
  }

  #replaceAt(index: number, event: object, bytes: number): void {
    const history = this.conversationEvents;
    const old = history[index];
    if (old !== undefined) this.#historyBytes -= this.#sizeOf(old);
    this.#remember(event, bytes, old);
    this.#historyBytes += bytes;
    history[index] = event;
  }

  /**
   * Records an event's size. The newest is kept in a field: an agent turn is replaced by a longer
   * one at every chunk, and a WeakMap entry per chunk (each a new ephemeron for the garbage
   * collector to trace) is most of what merging a chunk cost. The previous newest goes to the
   * WeakMap unless it is the event being replaced.
   */
  #remember(event: object, bytes: number, replacing: object | undefined): void {
    const newest = this.#newest;
    if (newest !== undefined && newest !== replacing) this.#sizes.set(newest, this.#newestBytes);
    this.#newest = event;
    this.#newestBytes = bytes;
  }

  #sizeOf(event: object): number {
    if (event === this.#newest) return this.#newestBytes;
    let bytes = this.#sizes.get(event);
    if (bytes === undefined) {
      bytes = eventBytes(event);
      this.#sizes.set(event, bytes);
    }
    return bytes;
  }

  /** Counts a history this node has not counted yet (the first call, or one set from outside). */
  #recount(history: object[]): void {
    this.#countedHistory = history;
    this.#historyBytes = 0;
    for (const event of history) this.#historyBytes += this.#sizeOf(event);
  }

  /**
   * Drops the oldest events while the history is over `maxHistoryBytes`, keeping the newest event.
   * A dropped tool call takes the calls and results next to it along, so no result is left without
   * its call (the OpenAI API rejects that).
   */
  #dropOldest(): void {
    const history = this.conversationEvents;
    if (this.#historyBytes <= this.maxHistoryBytes) return;
    let count = 0;
    let bytes = 0;
    while (count < history.length - 1 && this.#historyBytes - bytes > this.maxHistoryBytes) {
      bytes += this.#sizeOf(history[count] as object);
      count++;
    }
    while (count < history.length - 1) {
      const head = history[count];
      const orphan =
        head instanceof ToolResult ||
        (head instanceof ToolCall && history[count - 1] instanceof ToolCall);
      if (!orphan) break;
      bytes += this.#sizeOf(head);
      count++;
    }
    if (count === 0) return;
    history.splice(0, count);
    this.#historyBytes -= bytes;
    const now = performance.now();
    if (now - this.#lastDropLog >= DROP_LOG_INTERVAL_MS) {
      this.#lastDropLog = now;
      this.log.info(
        { droppedEvents: count, droppedBytes: bytes, maxHistoryBytes: this.maxHistoryBytes },
        "history over maxHistoryBytes, oldest events dropped",
      );
    }
  }

  /**
   * Where `response` merges: the last entry when it is an agent response of the same chunk type,
   * looking past backchannels the user made meanwhile (a backchannel never splits a turn; it
   * stays after it). -1 when `response` starts a new entry.
   */
  #continuesTurn(): number {
    const history = this.conversationEvents;
    let at = history.length - 1;
    while (at >= 0 && history[at] instanceof UserBackchannel) at--;
    return history[at] instanceof AgentResponse ? at : -1;
  }

  /** Empties the history and returns what it held. */
  clearContext(): object[] {
    const events = this.conversationEvents;
    this.conversationEvents = [];
    return events;
  }

  /**
   * Streams one reply: runs `processContext`, records each delivered event in the history and
   * yields it, then yields one `AgentGenerationComplete` (the node's own, if it yielded one,
   * completed with the framework's totals and metrics; with `metricEvents: "always"`, the metrics
   * as `LogMetric`s before it). A generation whose completion is not delivered (interrupted)
   * publishes its metrics as `LogMetric`s once it has ended. Strings become `AgentResponse`;
   * empty and whitespace-only chunks are never yielded (their whitespace joins the next chunk).
   * `ctx` is optional: outside a route there is no signal.
   * It behaves as an async generator (nothing runs before the first `next()`); a route's stream
   * step pulls `processContext` itself and runs these stages in between, with no second generator
   * per chunk.
   */
  generate(
    message?: Message,
    ctx?: Partial<RouteContext>,
  ): AsyncGenerator<GeneratedEvent<Y>, void, undefined> {
    return new PullThroughIterator(this.#generation(message, ctx));
  }

  /** One generation's stages around `processContext` (see {@link PullThrough} for their order). */
  #generation(
    message: Message | undefined,
    ctx: Partial<RouteContext> | undefined,
  ): PullThrough<Y, GeneratedEvent<Y>> {
    type Out = GeneratedEvent<Y>;
    let signal: AbortSignal = NEVER_ABORTED;
    let timer!: GenerationTimer;
    let span!: Span;
    const unanswered = new Map<string, ToolCall>();
    let lastResponse: AgentResponse | undefined;
    let heldWhitespace = "";
    /** `processContext` ran to its end. */
    let completed = false;
    /** With `metricEvents: "always"`: the metrics as `LogMetric`s still to yield before the completion. */
    let unsentMetrics: LogMetric[] | undefined;
    /** A metric was handed out and not confirmed delivered yet. */
    let metricOut = false;
    /** The completion was handed out: nothing trails it. */
    let completionOut = false;
    /** The completion went through, and the metrics with it. */
    let completionDelivered = false;
    const metricsAsEvents = this.metricEvents === "always";
    /** The generation's numbers, once measured: its span carries them too. */
    let measured: GenerationMetrics | undefined;
    /** The node's own completion, if it yielded one: merged into the single one at the end. */
    let ownCompletion: AgentGenerationComplete | undefined;
    /** The route running this generation, if any: the bus counts what it delivered of it. */
    const generation = ctx instanceof Generation ? ctx : undefined;
    /** The event handed out and not confirmed delivered yet. */
    let atYield: object | undefined;
    let deliveredBefore = 0;
    /** The set-up is done: what ends the generation has its timer and span. */
    let opened = false;
    const record = (event: object) => {
      this.addEvent(event);
      if (event instanceof AgentResponse) {
        timer.chunk(event.content.length);
        lastResponse = event;
      } else if (event instanceof ToolCall) {
        unanswered.set(event.toolCallId, event);
      } else if (event instanceof ToolResult && event.toolCallId !== undefined) {
        unanswered.delete(event.toolCallId);
      }
    };
    return {
      open: () => {
        signal = ctx?.signal ?? NEVER_ABORTED;
        timer = new GenerationTimer(message?.timestamp);
        const parent = traceParentOfNode(this);
        const traceParent = parentContext(parent?.traceContext);
        span = tracer.startSpan(
          "switchboard.generation",
          {
            attributes: {
              "switchboard.node.id": this.id,
              ...(parent !== undefined && { "switchboard.bridge.name": parent.bridge }),
              ...(ctx?.generationId !== undefined && {
                "switchboard.generation.id": ctx.generationId,
              }),
            },
          },
          traceParent,
        );
        const context = new ConversationContext({
          events: () => this.conversationEvents,
          systemPrompt: this.systemPrompt,
          metadata: this.metadata,
          signal,
          maxContextLength: this.maxContextLength,
          // A span that is not recording and has no valid context (no SDK, no remote parent) adds
          // nothing to its children's context: skip copying the context for it.
          traceContext: isSpanContextValid(span.spanContext())
            ? trace.setSpan(traceParent, span)
            : traceParent,
          onTokenUsage: (usage) => timer.tokens(usage),
        });
        opened = true;
        return asyncIteratorOf(this.processContext(context));
      },
      item: (item) => {
        if (item instanceof AgentGenerationComplete) {
          ownCompletion = item;
          return SKIP;
        }
        let event: object = typeof item === "string" ? new AgentResponse({ content: item }) : item;
        if (event instanceof AgentResponse && event.chunkType === "text") {
          const content = heldWhitespace + event.content;
          if (!notBlank(content)) {
            heldWhitespace = content;
            return SKIP;
          }
          heldWhitespace = "";
          if (content !== event.content)
            event = new AgentResponse({ content, chunkType: event.chunkType });
        }
        atYield = event;
        deliveredBefore = generation?.deliveries ?? 0;
        return event as Out;
      },
      delivered: () => {
        // The consumer came back for more only after the event went through: it was delivered.
        if (atYield !== undefined) {
          const event = atYield;
          atYield = undefined;
          record(event);
        } else if (metricOut) {
          metricOut = false;
          unsentMetrics!.shift();
        } else if (completionOut) {
          completionDelivered = true;
        }
      },
      trailing: () => {
        if (!completed) {
          completed = true;
          if (!signal.aborted) {
            // The generation's metrics are part of it: they go out in its completion (and, as
            // events, before it), so a client reading up to generation_complete has the whole turn.
            measured = timer.finish(ctx?.generationId, false);
            this.log.info(measured, "generation finished");
            if (metricsAsEvents) unsentMetrics = metricEventsOf(measured);
          }
        }
        if (unsentMetrics !== undefined && unsentMetrics.length > 0) {
          metricOut = true;
          return unsentMetrics[0];
        }
        if (completionOut) return undefined;
        completionOut = true;
        deliveredBefore = generation?.deliveries ?? 0;
        // One completion per generation: the node's own fields win, the framework fills the rest.
        // Inside a route a cancelled generation's completion is dropped; a direct caller sees the truth.
        return new AgentGenerationComplete({
          totalLength: ownCompletion?.totalLength ?? timer.totalLength,
          chunkCount: ownCompletion?.chunkCount ?? timer.chunkCount,
          interrupted: ownCompletion?.interrupted ?? signal.aborted,
          ttfcMs: ownCompletion?.ttfcMs ?? measured?.ttfcMs,
          durationMs: ownCompletion?.durationMs ?? measured?.durationMs,
          inputTokens: ownCompletion?.inputTokens ?? measured?.inputTokens,
          outputTokens: ownCompletion?.outputTokens ?? measured?.outputTokens,
        });
      },
      failed: (error) => {
        if (opened && !isAbortError(error)) recordSpanError(span, error);
      },
      close: () => {
        if (!opened) return;
        // Closed at an event: it was delivered if the bus delivered something of this generation
        // since (a direct caller that stops after an item has received it).
        if (
          atYield !== undefined &&
          (generation === undefined || generation.deliveries > deliveredBefore)
        ) {
          record(atYield);
        }
        // Likewise the completion: a direct caller that stops at it has its metrics.
        if (
          completionOut &&
          (generation === undefined || generation.deliveries > deliveredBefore)
        ) {
          completionDelivered = true;
        }
        const interrupted = !completed || signal.aborted;
        if (interrupted) this.#closeInterruptedTurn(lastResponse, unanswered);
        if (lastResponse !== undefined) this.#flattenLastAgentTurn();
        if (measured === undefined) {
          // Interrupted: the route is closed, so its metrics go out on their own, after it.
          measured = timer.finish(ctx?.generationId, interrupted);
          // An interruption storm cancels generations before they say anything: those are debug noise.
          if (interrupted && measured.chunkCount === 0)
            this.log.debug(measured, "generation finished");
          else this.log.info(measured, "generation finished");
        }
        endGenerationSpan(span, measured);
        // Metrics whose completion did not go through go out on their own, after the route.
        if (!completionDelivered) {
          for (const event of unsentMetrics ?? metricEventsOf(measured)) this.publish(event);
        }
      },
    };
  }

  /** Produces the reply: strings or events (`AgentResponse`, `ToolCall`, `ToolResult`, …). */
  protected abstract processContext(context: ConversationContext): AsyncIterable<Y>;

  /** Where the history's last agent response is, or -1. */
  #lastAgentTurnAt(): number {
    const history = this.conversationEvents;
    for (let i = history.length - 1; i >= 0; i--) {
      if (history[i] instanceof AgentResponse) return i;
    }
    return -1;
  }

  /** The agent turn just merged, as one flat string (see {@link flattenInPlace}). */
  #flattenLastAgentTurn(): void {
    const at = this.#lastAgentTurnAt();
    if (at !== -1) flattenInPlace((this.conversationEvents[at] as AgentResponse).content);
  }

  /** Marks the turn interrupted and gives every call left without a result a placeholder one. */
  #closeInterruptedTurn(
    lastResponse: AgentResponse | undefined,
    unanswered: Map<string, ToolCall>,
  ): void {
    const history = this.conversationEvents;
    if (this.#countedHistory !== history) this.#recount(history);
    const at = lastResponse === undefined ? -1 : this.#lastAgentTurnAt();
    const turn = history[at];
    if (turn instanceof AgentResponse && turn.interrupted !== true) {
      this.#replaceAt(
        at,
        new AgentResponse({ content: turn.content, chunkType: turn.chunkType, interrupted: true }),
        this.#sizeOf(turn),
      );
    }
    for (const call of unanswered.values()) {
      // A background tool may have finished (and been recorded) before this turn closed.
      if (history.some((e) => e instanceof ToolResult && e.toolCallId === call.toolCallId))
        continue;
      this.#push(
        new ToolResult({
          toolName: call.toolName,
          toolArgs: call.toolArgs,
          toolCallId: call.toolCallId,
          error: "interrupted by the user before the tool finished",
          interrupted: true,
        }),
      );
    }
  }

  #replacePlaceholder(result: ToolResult): boolean {
    if (result.toolCallId === undefined) return false;
    const history = this.conversationEvents;
    for (let i = history.length - 1; i >= 0; i--) {
      const event = history[i];
      if (event === result) return true; // already recorded (two callbacks handed it over)
      if (
        event instanceof ToolResult &&
        event.toolCallId === result.toolCallId &&
        event.interrupted === true
      ) {
        this.#replaceAt(i, result, eventBytes(result));
        return true;
      }
    }
    return false;
  }

  #trimToSpoken(spoken: string): void {
    const at = this.#lastAgentTurnAt();
    const event = this.conversationEvents[at];
    if (!(event instanceof AgentResponse)) return;
    const said = spoken.trim();
    if (said.length < event.content.trim().length && event.content.startsWith(said)) {
      const trimmed = new AgentResponse({
        content: said,
        chunkType: event.chunkType,
        interrupted: true,
      });
      this.#replaceAt(at, trimmed, eventBytes(trimmed));
    }
  }
}

/**
 * Makes V8 store `text` as one flat string, in place. A turn merged chunk by chunk is a rope (a
 * cons string per merge, holding every chunk): ~8× the text's bytes (a 50-chunk turn of 890
 * characters: 7.6 KB against 0.96 KB after), for as long as the history keeps it. Converting a
 * string to a number flattens it first; the number is not used, and the text does not change.
 */
function flattenInPlace(text: string): void {
  void Number(text);
}

/** Puts the generation's numbers on its span and ends it. */
function endGenerationSpan(span: Span, metrics: GenerationMetrics): void {
  span.setAttributes({
    "switchboard.generation.chunks": metrics.chunkCount,
    "switchboard.generation.total_length": metrics.totalLength,
    "switchboard.generation.interrupted": metrics.interrupted,
    ...(metrics.ttfcMs !== undefined && { "switchboard.generation.ttfc_ms": metrics.ttfcMs }),
    ...(metrics.inputTokens !== undefined && { "gen_ai.usage.input_tokens": metrics.inputTokens }),
    ...(metrics.outputTokens !== undefined && {
      "gen_ai.usage.output_tokens": metrics.outputTokens,
    }),
  });
  span.end();
}
