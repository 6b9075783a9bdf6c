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
import { AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";
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

  constructor(harness: ConversationHarness, speaker: NodeLike | string) {
    super(USER_SOURCE);
    this.#speaker = typeof speaker === "string" ? speaker : speaker.id;
    this.authorize(this.#speaker, SYSTEM_SOURCE);
    this.withInputRouting(harness.events);

    const send = (frame: OutputFrame, from: Message): boolean => {
      // end_call is the last thing the user hears of this call.
      if (this.#ended) return false;
      if (frame.type === "end_call") this.#ended = true;
      const generationId = from.generationId;
      return harness.send(
        generationId === undefined ? frame : { ...frame, generation_id: generationId },
      );
    };

    this.on(AgentResponse, { where: { chunkType: "text" } }).map((m) => {
      send({ type: "message", content: m.event.content }, m);
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
      const code = m.event.code ?? AgentErrorCode.agentError;
      send(agentErrorFrame(harness.log, code, m.event.error, { node: m.source }), m);
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
    if (nodeId === this.#speaker) return;
    if (this.#speaker !== SYSTEM_SOURCE) this.deauthorize(this.#speaker);
    this.#speaker = nodeId;
    this.authorize(nodeId, SYSTEM_SOURCE);
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
