import {
  AgentGenerationComplete,
  AgentResponse,
  AgentSpeechSent,
  type LogMetric,
  ToolCall,
  ToolResult,
  UserTranscriptionReceived,
} from "../events.js";
import { Message } from "../message.js";
import type { RouteContext } from "../route-context.js";
import { ConversationContext } from "./conversation-context.js";
import { GenerationTimer } from "./generation-metrics.js";
import { Node, type NodeOptions } from "./node.js";

/** Options of {@link ReasoningNode}. */
export interface ReasoningNodeOptions extends NodeOptions {
  systemPrompt: string;
  /** How many of the latest history events the model sees. Default 100. */
  maxContextLength?: number;
  /** Call metadata handed to `processContext` through the context. */
  metadata?: Record<string, unknown>;
}

const NEVER_ABORTED = new AbortController().signal;

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
 */
export abstract class ReasoningNode extends Node {
  readonly systemPrompt: string;
  readonly maxContextLength: number;
  metadata: Record<string, unknown>;
  /** The history: user transcriptions, agent responses (merged per turn), tool calls and results. */
  conversationEvents: object[] = [];

  constructor(options: ReasoningNodeOptions) {
    super(options);
    this.systemPrompt = options.systemPrompt;
    this.maxContextLength = options.maxContextLength ?? 100;
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
    const last = history.at(-1);
    if (event instanceof AgentSpeechSent) {
      this.#trimToSpoken(event.content);
    } else if (event instanceof AgentGenerationComplete) {
      return; // the end of a turn, not part of the conversation
    } else if (event instanceof AgentResponse && last instanceof AgentResponse) {
      // One agent turn, whatever its chunks' types ("buffered", "final", …): a turn of mixed
      // types is plain text to the model.
      history[history.length - 1] = new AgentResponse({
        content: last.content + event.content,
        chunkType: last.chunkType === event.chunkType ? last.chunkType : "text",
        ...(last.interrupted === true || event.interrupted === true ? { interrupted: true } : {}),
      });
    } else if (
      event instanceof UserTranscriptionReceived &&
      last instanceof UserTranscriptionReceived
    ) {
      history[history.length - 1] = new UserTranscriptionReceived({
        content: joinWords(last.content, event.content),
      });
    } else if (event instanceof ToolResult && this.#replacePlaceholder(event)) {
      return;
    } else {
      history.push(event);
    }
  }

  /** Empties the history and returns what it held. */
  clearContext(): object[] {
    const events = this.conversationEvents;
    this.conversationEvents = [];
    return events;
  }

  /**
   * Streams one reply: runs `processContext`, records each delivered event in the history and
   * yields it, then yields the generation's metrics (`LogMetric`) and one `AgentGenerationComplete`
   * (the node's own, if it yielded one, completed with the framework's totals). Strings become `AgentResponse`; empty and
   * whitespace-only chunks are never yielded (their whitespace joins the next chunk).
   * `ctx` is optional: outside a route there is no signal.
   */
  async *generate(
    message?: Message,
    ctx?: Partial<RouteContext>,
  ): AsyncGenerator<object, void, undefined> {
    const signal = ctx?.signal ?? NEVER_ABORTED;
    const timer = new GenerationTimer(message?.timestamp ?? Date.now());
    const context = new ConversationContext({
      events: () => this.conversationEvents,
      systemPrompt: this.systemPrompt,
      metadata: this.metadata,
      signal,
      maxContextLength: this.maxContextLength,
    });
    const unanswered = new Map<string, ToolCall>();
    let lastResponse: AgentResponse | undefined;
    let heldWhitespace = "";
    let completed = false;
    /** The metrics not delivered yet (undefined until computed). */
    let unsentMetrics: LogMetric[] | undefined;
    /** The node's own completion, if it yielded one: merged into the single one at the end. */
    let ownCompletion: AgentGenerationComplete | undefined;
    try {
      for await (const item of this.processContext(context)) {
        if (item instanceof AgentGenerationComplete) {
          ownCompletion = item;
          continue;
        }
        let event = typeof item === "string" ? new AgentResponse({ content: item }) : item;
        if (event instanceof AgentResponse && event.chunkType === "text") {
          const content = heldWhitespace + event.content;
          if (content.trim() === "") {
            heldWhitespace = content;
            continue;
          }
          heldWhitespace = "";
          if (content !== event.content)
            event = new AgentResponse({ content, chunkType: event.chunkType });
        }
        yield event;
        // Resumed: the route pulls again only after the event went through, so it was delivered.
        this.addEvent(event);
        if (event instanceof AgentResponse) {
          timer.chunk(event.content.length);
          lastResponse = event;
        } else if (event instanceof ToolCall) {
          unanswered.set(event.toolCallId, event);
        } else if (event instanceof ToolResult && event.toolCallId !== undefined) {
          unanswered.delete(event.toolCallId);
        }
      }
      completed = true;
      if (!signal.aborted) {
        // The generation's metrics are part of it: they carry its generationId and go out before
        // its completion, so a client reading up to generation_complete has the whole turn.
        const { metrics, events } = timer.finish(ctx?.generationId, false);
        this.log.info(metrics, "generation finished");
        unsentMetrics = events;
        while (unsentMetrics.length > 0) {
          yield unsentMetrics[0]!;
          unsentMetrics.shift(); // resumed: the route delivered it
        }
      }
      // One completion per generation: the node's own fields win, the framework fills the rest.
      // Inside a route a cancelled generation's completion is dropped; a direct caller sees the truth.
      yield new AgentGenerationComplete({
        totalLength: ownCompletion?.totalLength ?? timer.totalLength,
        chunkCount: ownCompletion?.chunkCount ?? timer.chunkCount,
        interrupted: ownCompletion?.interrupted ?? signal.aborted,
      });
    } finally {
      const interrupted = !completed || signal.aborted;
      if (interrupted) this.#closeInterruptedTurn(lastResponse, unanswered);
      if (unsentMetrics === undefined) {
        // Interrupted: the route is closed, so its metrics go out on their own, after it.
        const { metrics, events } = timer.finish(ctx?.generationId, interrupted);
        this.log.info(metrics, "generation finished");
        unsentMetrics = events;
      }
      for (const event of unsentMetrics) this.publish(event);
    }
  }

  /** Produces the reply: strings or events (`AgentResponse`, `ToolCall`, `ToolResult`, …). */
  protected abstract processContext(context: ConversationContext): AsyncIterable<object | string>;

  /** Marks the turn interrupted and gives every call left without a result a placeholder one. */
  #closeInterruptedTurn(
    lastResponse: AgentResponse | undefined,
    unanswered: Map<string, ToolCall>,
  ): void {
    const history = this.conversationEvents;
    if (lastResponse !== undefined) {
      for (let i = history.length - 1; i >= 0; i--) {
        const event = history[i];
        if (!(event instanceof AgentResponse)) continue;
        if (event.interrupted !== true) {
          history[i] = new AgentResponse({
            content: event.content,
            chunkType: event.chunkType,
            interrupted: true,
          });
        }
        break;
      }
    }
    for (const call of unanswered.values()) {
      // A background tool may have finished (and been recorded) before this turn closed.
      if (history.some((e) => e instanceof ToolResult && e.toolCallId === call.toolCallId))
        continue;
      history.push(
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
        history[i] = result;
        return true;
      }
    }
    return false;
  }

  #trimToSpoken(spoken: string): void {
    const history = this.conversationEvents;
    for (let i = history.length - 1; i >= 0; i--) {
      const event = history[i];
      if (!(event instanceof AgentResponse)) continue;
      const said = spoken.trim();
      if (said.length < event.content.trim().length && event.content.startsWith(said)) {
        history[i] = new AgentResponse({
          content: said,
          chunkType: event.chunkType,
          interrupted: true,
        });
      }
      return;
    }
  }
}

function joinWords(a: string, b: string): string {
  if (a === "" || b === "" || /\s$/.test(a) || /^\s/.test(b)) return a + b;
  return `${a} ${b}`;
}
