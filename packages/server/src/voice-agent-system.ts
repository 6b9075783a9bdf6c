import type { Context } from "@opentelemetry/api";
import {
  AgentGenerationComplete,
  AgentHandoff,
  AgentResponse,
  Authorize,
  Bridge,
  Bus,
  EndCall,
  Message,
  SwitchboardError,
  ToolCall,
  ToolResult,
  TransferCall,
  createLogger,
  toError,
  type BusDescription,
  type Logger,
  type NodeLike,
} from "@switchboard/core";
import { DEBUG_EVENTS, type DebugTopology, type DebugTrace } from "@switchboard/playground";
import { CloseCode, type Transport } from "@switchboard/protocol";
import { AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";
import type { ConversationHarness } from "./conversation-harness.js";
import { HANDOFF_TOOL_PREFIX } from "./handoff-tool-prefix.js";
import { CallAction } from "./system-tools/call-action.js";
import { SYSTEM_SOURCE, USER_SOURCE, UserBridge } from "./user-bridge.js";

/** Why a session ended. */
export type ShutdownReason =
  /** The client closed the WebSocket. */
  | "client_closed"
  /** The harness closed the session because the client broke a limit (slow reader, flood, oversized frame). */
  | "client_error"
  | "end_call"
  | "transfer"
  | "server_shutdown"
  /** The call handler failed. */
  | "error";

/** Options of {@link VoiceAgentSystem}. */
export interface VoiceAgentSystemOptions {
  /** A pino-compatible logger; default: the transport's `log` when it has one (the harness does), else pino. */
  logger?: Logger;
  /** Passed to the session's `Bus`. */
  maxQueueSize?: number;
  /**
   * How long `cleanup()` waits for each step that runs user code (stopping the bus and its
   * generations, each node's `cleanup()`); past it the step is abandoned with a log line and the
   * session moves on to close its socket. Default 2 s.
   */
  teardownTimeoutMs?: number;
  /**
   * Send the playground's debug channel to the client: the topology (`system.describe()`) when the
   * system starts and when the speaker changes, and a trace of every route execution, as
   * `log_event` frames named `debug.topology` and `debug.trace`. Default off; `VoiceAgentApp`
   * turns it on only for playground sessions that ask.
   */
  debugChannel?: boolean;
  /**
   * The OpenTelemetry context the session's generation spans are children of: `VoiceAgentApp`
   * passes its call span's. Default: the context active when a generation starts.
   */
  traceContext?: Context;
}

/**
 * What {@link VoiceAgentSystem.describe} returns: the bus's bridges with their routes, steps and
 * control rules (`bus.describe()`), and the node allowed to speak to the user.
 */
export interface SystemDescription {
  /** Every bridge on the call's bus: its name, node id, whom it hears and its routes. */
  bridges: BusDescription["bridges"];
  /** The node whose answers reach the user now (changes on handoff); absent before `withSpeakingNode`. */
  speakingNodeId?: string;
}

/** What the system may call on a node: every `Node` fits; all methods are optional. */
interface NodeHooks extends NodeLike {
  start?: () => unknown;
  cleanup?: () => unknown;
  addEvent?: (event: object) => unknown;
}

/** `configuring` (adding nodes) → `open` (started) → `closing` → `closed`. */
export type VoiceAgentSystemState = "configuring" | "open" | "closing" | "closed";

/**
 * One call: a `Bus` with the nodes' bridges, the `"user"` bridge over the session's transport
 * (a `ConversationHarness` for a WebSocket, or any `Transport`), and the `"system"` bridge
 * that wires handoffs, end of call and transfers.
 * @example
 * const app = new VoiceAgentApp(async (system, call) => {
 *   const node = new MyNode({ systemPrompt: call.agent.systemPrompt });
 *   const bridge = new Bridge(node);
 *   bridge.conversation(node);
 *   system.withSpeakingNode(node, bridge);
 *   await system.start();
 *   await system.sendInitialMessage("Hello! How can I help?");
 *   await system.waitForShutdown();
 * });
 */
export class VoiceAgentSystem<
  T extends Transport = ConversationHarness,
> implements AsyncDisposable {
  readonly bus: Bus;
  /** The user's connection: input events in, output frames out. */
  readonly transport: T;
  readonly log: Logger;
  readonly #nodes = new Map<string, NodeHooks>();
  readonly #systemBridge = new Bridge(SYSTEM_SOURCE);
  #userBridge: UserBridge | undefined;
  #speakingNode: NodeHooks | undefined;
  #state: VoiceAgentSystemState = "configuring";
  #shutdownReason: ShutdownReason | undefined;
  #resolveShutdown!: (reason: ShutdownReason) => void;
  readonly #shutdown: Promise<ShutdownReason>;
  #cleaned: Promise<void> | undefined;
  #transferTimer: NodeJS.Timeout | undefined;
  readonly #subscriptions: { unsubscribe(): void }[];
  readonly #debugChannel: boolean;
  readonly #teardownTimeoutMs: number;

  constructor(transport: T, options: VoiceAgentSystemOptions = {}) {
    this.transport = transport;
    this.#debugChannel = options.debugChannel ?? false;
    this.#teardownTimeoutMs = options.teardownTimeoutMs ?? 2000;
    this.log = options.logger ?? (transport as { log?: Logger }).log ?? createLogger();
    this.bus = new Bus({
      logger: this.log,
      teardownTimeoutMs: this.#teardownTimeoutMs,
      ...(options.maxQueueSize === undefined ? {} : { maxQueueSize: options.maxQueueSize }),
      ...(options.traceContext === undefined ? {} : { traceContext: options.traceContext }),
    });
    this.#shutdown = new Promise((resolve) => (this.#resolveShutdown = resolve));
    void transport.ended.then((end) =>
      this.requestShutdown(end.by === "client" ? "client_closed" : "client_error"),
    );
    this.#wireSystemBridge();
    this.bus.registerBridge(SYSTEM_SOURCE, this.#systemBridge);
    // A route that throws ends its turn with an error frame; the bus has already logged it.
    // (An array literal, not a push onto `[]`: that would reserve 17 slots for the call's life.)
    this.#subscriptions = [
      this.bus.errors$.subscribe((failure) => {
        this.transport.send(
          agentErrorFrame(this.log, AgentErrorCode.routeFailed, failure.error, {
            bridge: failure.bridge,
          }),
        );
      }),
    ];
  }

  /** The transport by its first name: for a WebSocket call, the session's `ConversationHarness`. */
  get harness(): T {
    return this.transport;
  }

  /** `configuring` → `open` (after `start()`) → `closing` → `closed` (after `close()`). */
  get state(): VoiceAgentSystemState {
    return this.#state;
  }

  /** The node currently allowed to speak to the user (changes on handoff). */
  get speakingNodeId(): string | undefined {
    return this.#userBridge?.speaker;
  }

  /** The `"user"` bridge, once a speaking node is set. */
  get userBridge(): UserBridge | undefined {
    return this.#userBridge;
  }

  /**
   * Adds the node that speaks to the user first, with its bridge.
   * @example system.withSpeakingNode(node, bridge)
   */
  withSpeakingNode(node: NodeLike, bridge: Bridge): this {
    this.withNode(node, bridge);
    this.#speakingNode = node;
    if (this.#userBridge === undefined) {
      this.#userBridge = new UserBridge(this.transport, node, this.log);
      this.bus.registerBridge(USER_SOURCE, this.#userBridge);
    } else {
      this.#userBridge.setSpeaker(node.id);
    }
    return this;
  }

  /**
   * Adds a node that does not speak to the user (yet): a background node, or a handoff target.
   * @example system.withNode(billing, billingBridge)
   */
  withNode(node: NodeLike, bridge: Bridge): this {
    this.#nodes.set(node.id, node);
    return this.withBridge(bridge);
  }

  /**
   * Adds a bridge without a node (a logger, a TTS adapter…), registered under its node id.
   * @example system.withBridge(new Bridge("metrics"))
   */
  withBridge(bridge: Bridge): this {
    this.bus.registerBridge(bridge.nodeId, bridge);
    return this;
  }

  /** Starts the nodes, then the bus, then the user's input. Idempotent. */
  async start(): Promise<void> {
    if (this.#state !== "configuring") return;
    const userBridge = this.#userBridge;
    if (userBridge === undefined) {
      throw new SwitchboardError(
        "SESSION_CONFIG",
        "VoiceAgentSystem.start(): call withSpeakingNode(node, bridge) first",
      );
    }
    this.#state = "open";
    for (const node of this.#nodes.values()) await node.start?.();
    if (this.#debugChannel) this.#openDebugChannel();
    await this.bus.start();
    // Closed while the nodes started: the bus is stopped, input has nowhere to go.
    if (this.#state !== "open") return;
    userBridge.connectInput();
  }

  /**
   * The running system as data: every bridge with its routes (trigger, steps, control rules,
   * concurrency) and whom it hears, and the node allowed to speak to the user. The playground
   * draws it; it is plain JSON-safe data.
   * @example
   * const { bridges, speakingNodeId } = system.describe();
   * for (const bridge of bridges) system.log.info({ bridge: bridge.name, routes: bridge.routes.length }, "bridge");
   */
  describe(): SystemDescription {
    const { bridges } = this.bus.describe();
    const speakingNodeId = this.speakingNodeId;
    return speakingNodeId === undefined ? { bridges } : { bridges, speakingNodeId };
  }

  /**
   * Says `text` as the speaking node: broadcast as `AgentResponse` (then `AgentGenerationComplete`,
   * so clients see a finished turn) and recorded in the node's history.
   * @example await system.sendInitialMessage("Hi! How can I help?")
   */
  async sendInitialMessage(text: string): Promise<void> {
    const speakerId = this.speakingNodeId;
    if (speakerId === undefined)
      throw new SwitchboardError("SESSION_CONFIG", "sendInitialMessage(): no speaking node");
    const speaker = this.#nodes.get(speakerId) ?? this.#speakingNode;
    const response = new AgentResponse({ content: text });
    speaker?.addEvent?.(response);
    await this.bus.broadcast(new Message({ source: speakerId, event: response }));
    await this.bus.broadcast(
      new Message({
        source: speakerId,
        event: new AgentGenerationComplete({
          totalLength: text.length,
          chunkCount: 1,
          interrupted: false,
        }),
      }),
    );
  }

  /** Resolves when the call is over: the client left, `EndCall`, a transfer's wait ended, or the server stops. */
  waitForShutdown(): Promise<ShutdownReason> {
    return this.#shutdown;
  }

  /** Ends the call: `waitForShutdown()` resolves with `reason`. The first reason wins. */
  requestShutdown(reason: ShutdownReason): void {
    if (this.#shutdownReason !== undefined) return;
    this.#shutdownReason = reason;
    this.log.debug({ reason }, "session shutting down");
    this.#resolveShutdown(reason);
  }

  /**
   * Ends the call: stops the bridges and cancels every generation, cleans the nodes, then closes
   * the transport with `closeCode` — each step even if an earlier one failed. Idempotent: every
   * call returns the first call's promise.
   * @example await system.close(CloseCode.goingAway, "server shutting down");
   */
  close(closeCode: number = CloseCode.normal, closeReason = "call ended"): Promise<void> {
    this.#cleaned ??= this.#close(closeCode, closeReason);
    return this.#cleaned;
  }

  /** The contract's name of {@link VoiceAgentSystem.close}. */
  cleanup(closeCode: number = CloseCode.normal, closeReason = "call ended"): Promise<void> {
    return this.close(closeCode, closeReason);
  }

  /** Same as `close()` with its defaults, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The playground's debug channel: the topology now and whenever the speaker changes, and every
   * route's trace, as `log_event` frames. The trace subscription ends with the system.
   */
  #openDebugChannel(): void {
    let described: string | undefined;
    const sendTopology = () => {
      const topology: DebugTopology = this.describe();
      described = topology.speakingNodeId;
      this.transport.send({ type: "log_event", event: DEBUG_EVENTS.topology, metadata: topology });
    };
    sendTopology();
    const stop = this.bus.trace((trace) => {
      const metadata: DebugTrace = {
        bridge: trace.bridge,
        route_id: trace.routeId,
        phase: trace.phase,
        event: trace.event,
        at: trace.at,
        ...(trace.generationId === undefined ? {} : { generation_id: trace.generationId }),
      };
      this.transport.send({ type: "log_event", event: DEBUG_EVENTS.trace, metadata });
      // The speaker changes on the user bridge (an Authorize route): redraw once it has.
      if (trace.bridge === USER_SOURCE && trace.phase === "ended") {
        if (this.speakingNodeId !== described) sendTopology();
      }
    });
    this.#subscriptions.push({ unsubscribe: stop });
  }

  async #close(closeCode: number, closeReason: string): Promise<void> {
    this.#state = "closing";
    this.requestShutdown("server_shutdown");
    clearTimeout(this.#transferTimer);
    // The bus abandons (and logs) each stuck execution at the deadline; this is the safety net.
    await this.#step("stop bus", () => this.bus.cleanup(), {}, 2 * this.#teardownTimeoutMs);
    for (const subscription of this.#subscriptions.splice(0)) subscription.unsubscribe();
    for (const node of this.#nodes.values()) {
      await this.#step("clean node", () => node.cleanup?.(), { node: node.id });
    }
    // Our own code, bounded by the transport's close timeout: no teardown deadline of its own.
    await this.#step(
      "close transport",
      () => this.transport.close(closeCode, closeReason),
      {},
      Infinity,
    );
    this.#state = "closed";
  }

  /** Runs one cleanup step: a throw is logged, and a step past `teardownTimeoutMs` is abandoned. */
  async #step(
    what: string,
    fn: () => unknown,
    fields: Record<string, unknown> = {},
    timeoutMs = this.#teardownTimeoutMs,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"late">((resolve) => {
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve("late"), timeoutMs);
    });
    try {
      const outcome = await Promise.race([Promise.resolve().then(fn), deadline]);
      if (outcome === "late") {
        this.log.warn(
          { step: what, ...fields, timeoutMs },
          "cleanup step abandoned: still running past its deadline",
        );
      }
    } catch (error) {
      this.log.error({ err: toError(error), step: what, ...fields }, "cleanup step failed");
    } finally {
      clearTimeout(timer);
    }
  }

  /** Handoff, end of call and transfer are routes on the `"system"` bridge, visible like any other. */
  #wireSystemBridge(): void {
    // The speaker's messages, and the system's own (the events of a speaker's CallAction).
    const fromSpeaker = (m: Message) =>
      m.source !== USER_SOURCE &&
      (m.source === SYSTEM_SOURCE || this.#userBridge?.speaker === m.source);
    // Each route is one step and a broadcast: every call holds these routes and almost no call
    // uses them, so they are kept small. An empty list broadcasts nothing.
    const handoff = (agent: string, from: string): readonly Authorize[] => {
      if (this.#nodes.has(agent)) return [new Authorize({ agent })];
      this.transport.send(
        agentErrorFrame(this.log, AgentErrorCode.unknownAgent, "handoff to unknown agent", {
          agent,
          from,
        }),
      );
      return NO_EVENTS;
    };
    this.#systemBridge
      .on(AgentHandoff, { filter: (m) => m.source !== USER_SOURCE })
      .stream((m) => handoff(m.event.targetAgent, m.source))
      .broadcast();
    this.#systemBridge
      // A model's handoff tool call counts only from the node the user hears; an explicit
      // AgentHandoff may come from any node (a supervisor, a router).
      .on(ToolCall, { filter: fromSpeaker, where: { toolName: isHandoffToolName } })
      .stream((m) => handoff(m.event.toolName.slice(HANDOFF_TOOL_PREFIX.length), m.source))
      .broadcast();
    // System tools (endCall, transferCall, sendDtmf) return a CallAction; the speaker's ToolResult carries it.
    this.#systemBridge
      .on(ToolResult, { filter: fromSpeaker })
      .stream((m) => {
        const action = m.event.result;
        if (!(action instanceof CallAction)) return NO_EVENTS;
        const events = action.toEvents();
        const speaker = this.#nodes.get(this.speakingNodeId ?? "");
        for (const event of events) if (event instanceof AgentResponse) speaker?.addEvent?.(event);
        return events;
      })
      .broadcast();
    this.#systemBridge
      .on(EndCall, { filter: fromSpeaker })
      .map(() => this.requestShutdown("end_call"));
    this.#systemBridge.on(TransferCall, { filter: fromSpeaker }).map((m) => {
      if (this.#transferTimer !== undefined) return;
      this.#transferTimer = setTimeout(
        () => this.requestShutdown("transfer"),
        m.event.timeoutS * 1000,
      );
    });
  }
}

/** What a system route broadcasts when there is nothing to do. */
const NO_EVENTS: readonly never[] = [];

/** The `where` of the system's handoff route: one function for every call. */
function isHandoffToolName(name: string): boolean {
  return name.startsWith(HANDOFF_TOOL_PREFIX);
}
