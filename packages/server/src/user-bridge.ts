import {
  AgentError,
  AgentGenerationComplete,
  Authorize,
  Bridge,
  createLogger,
  eventClassFor,
  SwitchboardError,
  type EventClass,
  type Logger,
  type Message,
  type NodeLike,
} from "@switchboard/core";
import {
  OUTPUT_FRAME_EVENTS,
  outputFrameFor,
  type OutputFrame,
  type OutputFrameRow,
  type Transport,
} from "@switchboard/protocol";
import { AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";

/** The source the system broadcasts control events (`Authorize`) as; the user bridge always accepts it. */
export const SYSTEM_SOURCE = "system";
/** The source (and bridge name) of everything the user said. */
export const USER_SOURCE = "user";

/**
 * The bridge between the bus and the user's transport: named `"user"`, it publishes the
 * transport's input events (source `"user"`) and sends what the speaking node says as output
 * frames, by the rows of the protocol's `OUTPUT_FRAME_EVENTS`.
 * Only the speaker (and `"system"`) gets through; `Authorize` from `"system"` changes the speaker.
 */
export class UserBridge extends Bridge {
  readonly #transport: Transport;
  readonly #log: Logger;
  readonly #rows: OutputRows;
  #speaker: string;
  #ended = false;
  /**
   * Generations the user did not hear from their first message (their node was not the speaker
   * then): the rest of them stays unheard too, even if their node becomes the speaker meanwhile,
   * so a handoff never lets the tail (metrics, completion) of a silent generation through.
   */
  readonly #unheard = new Set<string>();

  /** `log` receives the detail of agent errors, under the correlation id their frame carries. */
  constructor(transport: Transport, speaker: NodeLike | string, log: Logger = createLogger()) {
    super(USER_SOURCE);
    this.#transport = transport;
    this.#log = log;
    this.#speaker = typeof speaker === "string" ? speaker : speaker.id;
    this.#rows = outputRows ??= new OutputRows();
    this.on(Authorize, { source: SYSTEM_SOURCE }).map((m) => this.setSpeaker(m.event.agent));
  }

  /**
   * @internal Sends what the bus delivers as output frames, then runs this bridge's routes. The
   * output is not a route: a route starts a generation per message, and every chunk of every
   * answer passes here. A message is matched once, by its class (cached), against the rows.
   */
  override deliver(message: Message, seq: number): void {
    if (this.state === "closing" || this.state === "closed") return;
    if (!this.isAuthorized(message.source)) return;
    const row = this.#rows.for(message.event);
    if (row !== undefined) {
      try {
        this.#output(row, message);
      } catch (error) {
        this.outbox.reportError("output", message, error);
      }
    }
    super.deliver(message, seq);
  }

  #output(row: OutputFrameRow, message: Message): void {
    const event = message.event;
    // An agent failure goes out generic and coded; its detail stays in the log.
    const frame =
      event instanceof AgentError
        ? agentErrorFrame(this.#log, event.code ?? AgentErrorCode.agentError, event.error, {
            node: message.source,
          })
        : outputFrameFor(row, event);
    this.#send(frame, message);
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
    if (generationId === undefined || this.#unheard.size === 0) return true;
    if (!this.#unheard.has(generationId)) return true;
    if (message.event instanceof AgentGenerationComplete) this.#unheard.delete(generationId);
    return false;
  }

  #send(frame: OutputFrame, from: Message): boolean {
    if (!this.#hears(from)) return false;
    // end_call is the last thing the user hears of this call.
    if (this.#ended) return false;
    if (frame.type === "end_call") this.#ended = true;
    // The frame was made for this message alone: tag it in place rather than copy it per chunk.
    if (from.generationId !== undefined) frame.generation_id = from.generationId;
    return this.#transport.send(frame);
  }
}

/** The rows of `OUTPUT_FRAME_EVENTS` by event class; every chunk type reaches the user. */
class OutputRows {
  readonly #classes: readonly { eventClass: EventClass; row: OutputFrameRow }[];
  /** The row of each event class met so far (null: none), so a class is matched only once. */
  readonly #byClass = new Map<unknown, OutputFrameRow | null>();

  constructor() {
    this.#classes = OUTPUT_FRAME_EVENTS.map((row) => {
      const eventClass = eventClassFor(row.event);
      if (eventClass === undefined) {
        throw new SwitchboardError("ROUTE_CONFIG", `no event registered as "${row.event}"`);
      }
      return { eventClass, row };
    });
  }

  for(event: object): OutputFrameRow | undefined {
    let row = this.#byClass.get(event.constructor);
    if (row === undefined) {
      row = this.#classes.find(({ eventClass }) => event instanceof eventClass)?.row ?? null;
      this.#byClass.set(event.constructor, row);
    }
    return row ?? undefined;
  }
}

/** Shared by every session's user bridge: made by the first one. */
let outputRows: OutputRows | undefined;

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
