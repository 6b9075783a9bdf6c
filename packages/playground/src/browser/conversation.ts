import {
  AGENT_PAUSED_EVENT,
  AGENT_RESUMED_EVENT,
  GenerationFence,
  isGenerationComplete,
  type OutputFrame,
  type OutputFrameOf,
} from "@switchboard/protocol";
import { DEBUG_EVENTS, type DebugTopology, type DebugTrace } from "../debug-channel.js";
import type { MetricsView, TurnMetrics } from "./metrics-view.js";
import type { RoutesView } from "./routes-view.js";
import type { AgentFrame, ClientFrame, Session } from "./session.js";
import type { Speaker } from "./speech.js";
import type { TimelineView } from "./timeline-view.js";
import type { ToolsView } from "./tools-view.js";
import type { AgentLine, TranscriptView } from "./transcript-view.js";

/** One answer of the agent: its generation, its line in the transcript, and its metrics. */
interface Turn {
  generationId: string | undefined;
  line: AgentLine;
  metrics: TurnMetrics;
  /** When the user's turn ended (`user_state idle` sent), for TTFC. */
  requestedAt: number | undefined;
  done: boolean;
  /** A barge-in policy holds it (`agent_paused`): it resumes or is cancelled. */
  paused: boolean;
}

/** The views the conversation drives. */
export interface ConversationViews {
  transcript: TranscriptView;
  timeline: TimelineView;
  metrics: MetricsView;
  tools: ToolsView;
  routes: RoutesView;
  speaker: Speaker;
}

/**
 * The page's side of a call, as the cli's chat session does it: a user turn is `user_state
 * speaking`, `message`, `user_state idle`; starting to speak while the agent answers interrupts it,
 * and frames of an interrupted generation still on the wire are fenced off by `generation_id`.
 */
export class Conversation {
  readonly #session: Session;
  readonly #views: ConversationViews;
  readonly #fence = new GenerationFence<OutputFrame>();
  #turns = 0;
  #current: Turn | undefined;
  #userSpeaking = false;
  #idleSentAt: number | undefined;

  constructor(session: Session, views: ConversationViews) {
    this.#session = session;
    this.#views = views;
  }

  /** The agent is answering (its generation is streaming). */
  get agentTalking(): boolean {
    return this.#current !== undefined && !this.#current.done;
  }

  /**
   * The user starts talking (a key typed or the talk button pressed): an answer in progress stops
   * here, marked interrupted, its speech is cut, and the agent hears `user_state speaking`.
   */
  userStartsSpeaking(): void {
    const turn = this.#current;
    // A paused answer is already held by the server, waiting for what the user says.
    if (turn !== undefined && !turn.done && !turn.paused) {
      if (turn.generationId !== undefined) this.#fence.fence(turn.generationId);
      this.#interruptTurn(turn);
    }
    this.#views.speaker.cancel();
    if (this.#userSpeaking) return;
    this.#userSpeaking = true;
    this.#send({ type: "user_state", value: "speaking" });
  }

  /** The user said `text`: one whole user turn. */
  say(text: string, via: "typed" | "spoken"): void {
    const content = text.trim();
    if (content === "") return;
    this.userStartsSpeaking();
    this.#views.transcript.addUser(content, via);
    this.#send({ type: "message", content });
    this.userStopsSpeaking();
  }

  /** The user stopped talking: `user_state idle`, which starts the agent's answer. */
  userStopsSpeaking(): void {
    if (!this.#userSpeaking) return;
    this.#userSpeaking = false;
    this.#send({ type: "user_state", value: "idle" });
    this.#idleSentAt = Date.now();
  }

  /** Every frame the session sent or received. */
  onFrame(direction: "in" | "out", frame: AgentFrame | ClientFrame, at: number): void {
    if (direction === "out") {
      this.#views.timeline.add("out", frame, at, false);
      return;
    }
    const incoming = frame as AgentFrame;
    if (incoming.type === "log_event" && incoming.event === AGENT_PAUSED_EVENT) {
      // News about the generation the user just talked over (and the page fenced): the server
      // holds it while its barge-in policy decides. Read before the fence, which drops the rest.
      this.#views.timeline.add("in", incoming, at, false);
      this.#onPaused(incoming.generation_id);
      return;
    }
    const admitted = this.#fence.admit(incoming);
    this.#views.timeline.add("in", incoming, at, !admitted);
    if (admitted) this.#onAgentFrame(incoming, at);
  }

  #onAgentFrame(frame: OutputFrame, at: number): void {
    switch (frame.type) {
      case "message":
        this.#onChunk(this.#turnFor(frame.generation_id), frame.content, at);
        return;
      case "tool_call":
        this.#onTool(this.#turnFor(frame.generation_id), frame, at);
        return;
      case "log_event":
        this.#onLogEvent(frame, at);
        return;
      case "error":
        this.#views.transcript.addNote(`error: ${frame.content}`, "error");
        return;
      case "end_call":
        this.#finish(this.#current);
        this.#views.transcript.addNote("The agent ended the call.");
        return;
      case "transfer":
        this.#views.transcript.addNote(`Transferring to ${frame.target_phone_number}.`);
        return;
      case "log_metric":
      case "dtmf":
        return;
    }
  }

  #send(frame: ClientFrame): void {
    this.#session.send(frame);
  }

  /** The turn a frame of `generationId` belongs to: the current one, or a new answer. */
  #turnFor(generationId: string | undefined): Turn {
    const current = this.#current;
    if (current !== undefined && !current.done && current.generationId === generationId) {
      return current;
    }
    this.#finish(current);
    const turn: Turn = {
      generationId,
      line: this.#views.transcript.addAgent(generationId),
      metrics: { turn: ++this.#turns, ttfcMs: undefined, chunks: 0, interrupted: false, tools: [] },
      requestedAt: this.#idleSentAt,
      done: false,
      paused: false,
    };
    this.#idleSentAt = undefined;
    this.#current = turn;
    return turn;
  }

  #onChunk(turn: Turn, content: string, at: number): void {
    if (turn.metrics.chunks === 0 && turn.requestedAt !== undefined) {
      turn.metrics.ttfcMs = at - turn.requestedAt;
    }
    turn.metrics.chunks++;
    turn.line.append(content);
    this.#views.speaker.push(content);
    this.#views.metrics.update(turn.metrics);
  }

  #onTool(turn: Turn, frame: OutputFrameOf<"tool_call">, at: number): void {
    const { name, id, result } = frame;
    const ms = this.#views.tools.add(
      {
        name,
        args: frame.arguments,
        ...(result === undefined ? {} : { result }),
        ...(id === undefined ? {} : { id }),
      },
      at,
    );
    if (result === undefined) {
      turn.metrics.tools.push({ name, ms: undefined });
    } else {
      const pending = turn.metrics.tools.find((t) => t.name === name && t.ms === undefined);
      if (pending === undefined) turn.metrics.tools.push({ name, ms });
      else pending.ms = ms;
    }
    this.#views.metrics.update(turn.metrics);
  }

  #onLogEvent(frame: OutputFrameOf<"log_event">, at: number): void {
    if (isGenerationComplete(frame)) {
      const current = this.#current;
      if (current !== undefined && current.generationId === frame.generation_id) {
        this.#finish(current);
      }
    } else if (frame.event === AGENT_RESUMED_EVENT) {
      this.#onResumed(frame.generation_id, at);
    } else if (frame.event === DEBUG_EVENTS.topology) {
      this.#views.routes.draw(frame.metadata as DebugTopology);
    } else if (frame.event === DEBUG_EVENTS.trace) {
      const trace = frame.metadata as DebugTrace;
      this.#views.routes.trace(trace);
      if (trace.phase === "cancelled" && trace.generation_id !== undefined) {
        this.#onCancelled(trace.generation_id);
      }
    }
  }

  /**
   * The server cancelled a generation (the debug channel says so): fence it, and if its answer is
   * on screen, mark it interrupted. This also catches a generation cancelled before the page had
   * seen any of its frames, which fencing "the answer being spoken" cannot.
   */
  #onCancelled(generationId: string): void {
    this.#fence.fence(generationId);
    const turn = this.#current;
    if (turn?.generationId === generationId && !turn.done) this.#interruptTurn(turn);
  }

  /** The current turn, if it is the generation `generationId` names. */
  #turnOf(generationId: string | undefined): Turn | undefined {
    const turn = this.#current;
    return generationId !== undefined && turn?.generationId === generationId ? turn : undefined;
  }

  /**
   * The server holds the answer the user talked over (a barge-in policy): it is not interrupted
   * yet. Its speech stays cut; the line says "paused" until it resumes or is cancelled.
   */
  #onPaused(generationId: string | undefined): void {
    const turn = this.#turnOf(generationId);
    if (turn === undefined) return;
    turn.done = false;
    turn.paused = true;
    turn.metrics.interrupted = false;
    turn.line.markPaused();
    this.#views.metrics.update(turn.metrics);
  }

  /**
   * The user did not really interrupt (a backchannel, a short utterance, silence): the held answer
   * goes on where it was, on the same line (the fence admits its frames again). The user's
   * utterance started no turn, so it gives the next answer no TTFC start.
   */
  #onResumed(generationId: string | undefined, at: number): void {
    if (generationId === undefined) return;
    const turn = this.#turnOf(generationId);
    if (turn === undefined) return;
    turn.done = false;
    turn.paused = false;
    turn.metrics.interrupted = false;
    turn.line.markResumed();
    this.#idleSentAt = undefined;
    this.#views.metrics.update(turn.metrics);
    // Chunks in flight when the user spoke were fenced on arrival; the server counted them
    // delivered, so they belong to the resumed answer, before what follows.
    for (const frame of this.#fence.takeHeld(generationId)) this.#onAgentFrame(frame, at);
  }

  #interruptTurn(turn: Turn): void {
    turn.done = true;
    turn.paused = false;
    turn.metrics.interrupted = true;
    turn.line.markInterrupted();
    this.#views.speaker.cancel();
    this.#views.metrics.update(turn.metrics);
  }

  #finish(turn: Turn | undefined): void {
    if (turn === undefined || turn.done) return;
    // A held answer that never resumed was cancelled: the next answer has started.
    if (turn.paused) {
      this.#interruptTurn(turn);
      return;
    }
    turn.done = true;
    turn.line.markComplete();
    this.#views.speaker.flush();
    this.#views.metrics.update(turn.metrics);
  }
}
