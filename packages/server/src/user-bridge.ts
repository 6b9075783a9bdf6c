import {
  AgentError,
  AgentGenerationComplete,
  AgentResponse,
  Authorize,
  Bridge,
  DTMFOutputEvent,
  EndCall,
  LogMetric,
  ToolCall,
  ToolResult,
  TransferCall,
  type Message,
  type NodeLike,
} from "@switchboard/core";
import type { ConversationHarness } from "./conversation-harness.js";
import type { OutputFrame } from "./frames.js";

/** The source the system broadcasts control events (`Authorize`) as; the user bridge always accepts it. */
export const SYSTEM_SOURCE = "system";
/** The source (and bridge name) of everything the user said. */
export const USER_SOURCE = "user";

/**
 * The bridge between the bus and the user's WebSocket: named `"user"`, it broadcasts the harness's
 * input events (source `"user"`) and turns what the speaking node says into output frames.
 * Only the speaker (and `"system"`) gets through; `Authorize` from `"system"` changes the speaker.
 */
export class UserBridge extends Bridge {
  #speaker: string;
  #ended = false;
  /**
   * Generations the user did not hear from their first message (their node was not the speaker
   * then): the rest of them stays unheard too, even if their node becomes the speaker meanwhile,
   * so a handoff never lets the tail (metrics, completion) of a silent generation through.
   */
  readonly #unheard = new Set<string>();

  constructor(harness: ConversationHarness, speaker: NodeLike | string) {
    super(USER_SOURCE);
    this.#speaker = typeof speaker === "string" ? speaker : speaker.id;
    this.withInputRouting(harness.events);

    const send = (frame: OutputFrame, from: Message): boolean => {
      if (!this.#hears(from)) return false;
      // end_call is the last thing the user hears of this call.
      if (this.#ended) return false;
      if (frame.type === "end_call") this.#ended = true;
      const generationId = from.generationId;
      return harness.send(
        generationId === undefined ? frame : { ...frame, generation_id: generationId },
      );
    };

    this.on(AgentResponse).map((m) => {
      const { content, chunkType } = m.event;
      send(
        chunkType === "text"
          ? { type: "message", content }
          : { type: "message", content, chunk_type: chunkType },
        m,
      );
    });
    this.on(ToolCall).map((m) => {
      const { toolName, toolArgs, toolCallId } = m.event;
      send({ type: "tool_call", name: toolName, arguments: toolArgs, id: toolCallId }, m);
    });
    this.on(ToolResult).map((m) => {
      const r = m.event;
      send(
        {
          type: "tool_call",
          name: r.toolName,
          arguments: r.toolArgs,
          result: r.success ? r.result : r.resultStr,
          ...(r.toolCallId === undefined ? {} : { id: r.toolCallId }),
        },
        m,
      );
    });
    this.on(EndCall).map((m) => {
      send({ type: "end_call" }, m);
    });
    this.on(AgentError).map((m) => {
      send({ type: "error", content: m.event.error }, m);
    });
    this.on(TransferCall).map((m) => {
      send({ type: "transfer", target_phone_number: m.event.targetPhoneNumber }, m);
    });
    this.on(LogMetric).map((m) => {
      send({ type: "log_metric", name: m.event.name, value: m.event.value }, m);
    });
    this.on(DTMFOutputEvent).map((m) => {
      send({ type: "dtmf", button: m.event.button }, m);
    });
    this.on(AgentGenerationComplete).map((m) => {
      const { totalLength, chunkCount, interrupted } = m.event;
      const metadata: Record<string, unknown> = {};
      if (totalLength !== undefined) metadata["total_length"] = totalLength;
      if (chunkCount !== undefined) metadata["chunk_count"] = chunkCount;
      if (interrupted !== undefined) metadata["interrupted"] = interrupted;
      send({ type: "log_event", event: "generation_complete", metadata }, m);
    });
    this.on(Authorize, { source: SYSTEM_SOURCE }).map((m) => this.setSpeaker(m.event.agent));
  }

  /** The node currently allowed to speak to the user. */
  get speaker(): string {
    return this.#speaker;
  }

  /** True once `end_call` went out: nothing more is sent. */
  get callEnded(): boolean {
    return this.#ended;
  }

  /**
   * Makes `nodeId` the only node (besides `"system"`) whose events reach the user.
   * @example userBridge.setSpeaker("billing")
   */
  setSpeaker(nodeId: string): void {
    this.#speaker = nodeId;
  }

  /** Only the speaker (and `"system"`) reaches the user, and only generations heard from their start. */
  #hears(message: Message): boolean {
    const { generationId } = message;
    if (message.source !== this.#speaker && message.source !== SYSTEM_SOURCE) {
      if (generationId === undefined) return false;
      // A completion is a generation's last frame: nothing left of it to fence.
      if (message.event instanceof AgentGenerationComplete) this.#unheard.delete(generationId);
      else this.#unheard.add(generationId);
      return false;
    }
    if (generationId === undefined || !this.#unheard.has(generationId)) return true;
    if (message.event instanceof AgentGenerationComplete) this.#unheard.delete(generationId);
    return false;
  }
}

/**
 * Creates the `"user"` bridge of a session: harness input in (source `"user"`), the authorized
 * node's `AgentResponse`, tool calls and results, `EndCall`, `TransferCall`, `AgentError`,
 * `LogMetric`, `DTMFOutputEvent` and `AgentGenerationComplete` out as frames.
 * @example
 * const userBridge = createUserBridge(harness, node);
 * bus.registerBridge("user", userBridge);
 */
export function createUserBridge(
  harness: ConversationHarness,
  authorizedNode: NodeLike | string,
): UserBridge {
  return new UserBridge(harness, authorizedNode);
}
