import {
  AgentGenerationComplete,
  AgentResponse,
  AgentSpeechSent,
  ToolCall,
  ToolResult,
  UserBackchannel,
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
   * one turn, as do consecutive user transcriptions. `AgentSpeechSent` trims the last agent turn
   * to what was actually spoken; a late `ToolResult` replaces the placeholder of its interrupted call.
   */
  addEvent(eventOrMessage: object): void {
    const event: object =
      eventOrMessage instanceof Message ? (eventOrMessage as Message).event : eventOrMessage;
    const history = this.conversationEvents;
    const last = history.at(-1);
    if (event instanceof AgentSpeechSent) {
      this.#trimToSpoken(event.content);
    } else if (event instanceof AgentResponse && this.#continuesTurn(event) !== -1) {
      const at = this.#continuesTurn(event);
      const turn = history[at] as AgentResponse;
      history[at] = new AgentResponse({
        content: turn.content + event.content,
        chunkType: turn.chunkType,
        ...(turn.interrupted === true || event.interrupted === true ? { interrupted: true } : {}),
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

  /**
   * Where `response` merges: the last entry when it is an agent response of the same chunk type,
   * looking past backchannels the user made meanwhile (a backchannel never splits a turn; it
   * stays after it). -1 when `response` starts a new entry.
   */
  #continuesTurn(response: AgentResponse): number {
    const history = this.conversationEvents;
    let at = history.length - 1;
    while (at >= 0 && history[at] instanceof UserBackchannel) at--;
    const turn = history[at];
    return turn instanceof AgentResponse && turn.chunkType === response.chunkType ? at : -1;
  }

  /** Empties the history and returns what it held. */
  clearContext(): object[] {
    const events = this.conversationEvents;
    this.conversationEvents = [];
    return events;
  }

  /**
   * Streams one reply: runs `processContext`, records each delivered event in the history and
   * yields it, then yields `AgentGenerationComplete`. Strings become `AgentResponse`; empty and
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
    try {
      for await (const item of this.processContext(context)) {
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
      // Inside a route a cancelled generation's completion is dropped; a direct caller sees the truth.
      yield new AgentGenerationComplete({
        totalLength: timer.totalLength,
        chunkCount: timer.chunkCount,
        interrupted: signal.aborted,
      });
    } finally {
      const interrupted = !completed || signal.aborted;
      if (interrupted) this.#closeInterruptedTurn(lastResponse, unanswered);
      const { metrics, events } = timer.finish(ctx?.generationId, interrupted);
      this.log.info(metrics, "generation finished");
      for (const event of events) this.publish(event);
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
