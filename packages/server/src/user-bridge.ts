import {
  AgentError,
  Authorize,
  Bridge,
  createLogger,
  eventClassFor,
  SwitchboardError,
  type Logger,
  type Message,
  type NodeLike,
} from "@switchboard/core";
import {
  OUTPUT_FRAME_EVENTS,
  outputFrameFor,
  type OutputFrame,
  type Transport,
} from "@switchboard/protocol";
import { AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";

/** The source the system broadcasts control events (`Authorize`) as; the user bridge always accepts it. */
export const SYSTEM_SOURCE = "system";
/** The source (and bridge name) of everything the user said. */
export const USER_SOURCE = "user";

/**
 * Route options per event alias where the user bridge sends only some of an event's messages:
 * only text chunks reach the user today (the other chunk types are for the platform's TTS).
 */
const OUTPUT_WHERE: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  "agent.response": { chunkType: "text" },
};

/**
 * The bridge between the bus and the user's transport: named `"user"`, it publishes the
 * transport's input events (source `"user"`) and sends what the speaking node says as output
 * frames — one route per row of the protocol's `OUTPUT_FRAME_EVENTS`.
 * Only the speaker (and `"system"`) gets through; `Authorize` from `"system"` changes the speaker.
 */
export class UserBridge extends Bridge {
  readonly #transport: Transport;
  readonly #log: Logger;
  #speaker: string;
  #ended = false;

  /** `log` receives the detail of agent errors, under the correlation id their frame carries. */
  constructor(transport: Transport, speaker: NodeLike | string, log: Logger = createLogger()) {
    super(USER_SOURCE);
    this.#transport = transport;
    this.#log = log;
    this.#speaker = typeof speaker === "string" ? speaker : speaker.id;
    this.authorize(this.#speaker, SYSTEM_SOURCE);
    for (const row of OUTPUT_FRAME_EVENTS) {
      const eventClass = eventClassFor(row.event);
      if (eventClass === undefined) {
        throw new SwitchboardError("ROUTE_CONFIG", `no event registered as "${row.event}"`);
      }
      const where = OUTPUT_WHERE[row.event];
      this.on(eventClass, where === undefined ? {} : { where }).map((m) => {
        // An agent failure goes out generic and coded; its detail stays in the log.
        const frame =
          m.event instanceof AgentError
            ? agentErrorFrame(this.#log, m.event.code ?? AgentErrorCode.agentError, m.event.error, {
                node: m.source,
              })
            : outputFrameFor(row, m.event);
        this.#send(frame, m);
      });
    }
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
   * Starts publishing the transport's input on the bus (call it once the bus has started;
   * `VoiceAgentSystem.start()` does). Each event is published as it arrives, through
   * `Bridge.publish`, whose promise is the bus's back-pressure.
   * @example await bus.start(); userBridge.connectInput();
   */
  connectInput(): void {
    this.#transport.connectInput((event) => this.publish(event));
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

  #send(frame: OutputFrame, from: Message): boolean {
    // end_call is the last thing the user hears of this call.
    if (this.#ended) return false;
    if (frame.type === "end_call") this.#ended = true;
    const generationId = from.generationId;
    return this.#transport.send(
      generationId === undefined ? frame : { ...frame, generation_id: generationId },
    );
  }
}

/**
 * Creates the `"user"` bridge of a session: transport input in (source `"user"`, once
 * `connectInput()` is called), and out as frames the authorized node's events of every row of
 * `OUTPUT_FRAME_EVENTS`: `AgentResponse`, tool calls and results, `EndCall`, `TransferCall`,
 * `AgentError`, `LogMetric`, `DTMFOutputEvent` and `AgentGenerationComplete`.
 * @example
 * const userBridge = createUserBridge(harness, node);
 * bus.registerBridge("user", userBridge);
 * await bus.start();
 * userBridge.connectInput();
 */
export function createUserBridge(
  transport: Transport,
  authorizedNode: NodeLike | string,
  log?: Logger,
): UserBridge {
  return new UserBridge(transport, authorizedNode, log);
}
