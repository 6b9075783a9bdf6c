import { SwitchboardError } from "./errors.js";
import type { EventClass } from "./event-registry.js";
import {
  AgentResponse,
  AgentSpeechSent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import {
  applyControls,
  attachToBus,
  bridgeStats,
  deliverMessage,
  startBridge,
  stopBridge,
  type BusLink,
} from "./internal/bus-link.js";
import { compileSelector, type EventSelector, type Where } from "./internal/event-selector.js";
import type { Execution } from "./internal/execution.js";
import { runInput, type InputSource } from "./internal/input-routing.js";
import { attachNode, isBusAwareNode } from "./internal/node-link.js";
import { Route, type RouteHost, type RouteStats } from "./internal/route.js";
import type { Logger } from "./logger.js";
import { Message } from "./message.js";
import type { RouteContext } from "./route-context.js";
import { RouteBuilder } from "./route-builder.js";

/** A bridge not on a bus yet tears its routes down with the bus default. */
const DEFAULT_TEARDOWN_TIMEOUT_MS = 2000;

export type { InputSource, LineStyleInput } from "./internal/input-routing.js";
export type { Where } from "./internal/event-selector.js";

/** Options of `bridge.on()`: who may trigger the route and on which event properties. */
export interface RouteOptions<E extends object> {
  /** Only messages from this source (or these sources). */
  source?: string | readonly string[];
  /** Only messages for which this is truthy. */
  filter?: (message: Message<E>) => unknown;
  /** Only events whose properties match: a value to equal or a predicate per property. */
  where?: Where<E>;
}

/** Anything with an id can own a bridge. */
export interface NodeLike {
  readonly id: string;
}

/** What `bridge.conversation()` needs from a node; every `ReasoningNode` fits. */
export interface ConversationalNode extends NodeLike {
  addEvent(eventOrMessage: object): void;
  generate(message: Message, ctx?: RouteContext): AsyncIterable<object>;
  onInterruptGenerate(message: Message): unknown;
}

/** Options of `bridge.conversation()`. */
export interface ConversationOptions {
  /** The event that starts a turn. Default `UserStoppedSpeaking`. */
  runOn?: EventClass;
  /** The event that cancels a running turn. Default `UserStartedSpeaking`. */
  cancelOn?: EventClass;
  /**
   * Only start a turn when this is truthy, e.g. `() => system.speakingNodeId === node.id` so a
   * node that handed the call off stops answering. History routes keep running either way.
   */
  filter?: (message: Message) => unknown;
}

/** The routes `bridge.conversation()` wires, for further configuration. */
export interface ConversationRoutes {
  /** User transcriptions into the node's history. */
  transcripts: RouteBuilder<void, UserTranscriptionReceived>;
  /** What the platform actually spoke (`AgentSpeechSent`): trims an interrupted turn to it. */
  spoken: RouteBuilder<void, AgentSpeechSent>;
  /** The turn: `runOn` → interrupt on `cancelOn` → stream `node.generate` → broadcast. */
  generation: RouteBuilder<object, object>;
}

type BridgeState = "idle" | "running" | "stopped";

/**
 * Connects a node to the bus: routes say which events the node reacts to and what it does.
 * @example
 * const bridge = new Bridge(node);
 * bridge.on(UserTranscriptionReceived).map(node.addEvent);
 * bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking).stream(node.generate).broadcast();
 * bus.registerBridge(node.id, bridge);
 */
export class Bridge {
  /** The id this bridge broadcasts as (the node's id, or the name given). */
  readonly nodeId: string;
  /** The node given to the constructor, if any. */
  readonly node: NodeLike | undefined;
  readonly #routes: Route[] = [];
  readonly #inputs: InputSource[] = [];
  #authorized: Set<string> | undefined;
  #bus: BusLink | undefined;
  #log: Logger | undefined;
  #state: BridgeState = "idle";
  #inputController: AbortController | undefined;
  #inputsDone: Promise<unknown> = Promise.resolve();
  readonly #host: RouteHost;

  constructor(nodeOrName: NodeLike | string) {
    this.node = typeof nodeOrName === "string" ? undefined : nodeOrName;
    this.nodeId = typeof nodeOrName === "string" ? nodeOrName : nodeOrName.id;
    const logger = () => this.#logger;
    const bus = () => this.#bus;
    this.#host = {
      nodeId: this.nodeId,
      get log() {
        return logger();
      },
      get teardownTimeoutMs() {
        return bus()?.teardownTimeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS;
      },
      reportError: (route, message, error) => this.#reportError(route, message, error),
    };
  }

  /**
   * Starts a route: messages whose event matches `event` (a class, an alias glob or `"*"`).
   * @example bridge.on(UserTranscriptionReceived, { source: "user" }).map(node.addEvent)
   */
  on<E extends object>(
    event: EventClass<E>,
    options?: RouteOptions<E>,
  ): RouteBuilder<Message<E>, E>;
  on(event: string, options?: RouteOptions<object>): RouteBuilder<Message, object>;
  on(event: EventSelector, options: RouteOptions<object> = {}): RouteBuilder<Message, object> {
    const route = new Route(this.#host, compileSelector(event, options.where), {
      source: options.source,
      filter: options.filter,
    });
    this.#routes.push(route);
    return new RouteBuilder({
      route,
      bridge: this,
      publish: (execution, value, eventClass) => this.#publish(execution, value, eventClass),
    });
  }

  /**
   * Only messages from these sources reach this bridge's routes (adds to the set).
   * @example userBridge.authorize("agent")
   */
  authorize(...nodeIds: string[]): this {
    const set = (this.#authorized ??= new Set());
    for (const id of nodeIds) set.add(id);
    return this;
  }

  /**
   * Removes sources from the authorized set (the counterpart of {@link Bridge.authorize}).
   * @example userBridge.deauthorize("agent").authorize("billing")
   */
  deauthorize(...nodeIds: string[]): this {
    for (const id of nodeIds) this.#authorized?.delete(id);
    return this;
  }

  /** True when messages from `source` reach this bridge's routes. */
  isAuthorized(source: string): boolean {
    return this.#authorized === undefined || this.#authorized.has(source);
  }

  /**
   * Broadcasts the events of `source` (an async iterable, an Observable, or Line's
   * `{ get(), mapToEvents() }`) with this bridge's node id as source, from `start()` to `stop()`.
   * @example userBridge.withInputRouting(harness.events())
   */
  withInputRouting(source: InputSource): this {
    this.#inputs.push(source);
    if (this.#state === "running") this.#startInputs([source]);
    return this;
  }

  /**
   * Publishes `event` on the bus as this bridge's node, outside any route: the input port of a
   * transport. Control events (what some route interrupts on) act at once; the promise is the
   * bus's back-pressure, so a transport that awaits it never queues input of its own.
   * @example await userBridge.publish(new UserStartedSpeaking());
   */
  publish(event: object): Promise<void> {
    const bus = this.#bus;
    if (bus === undefined) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `bridge "${this.nodeId}" is not registered on a bus`,
      );
    }
    return Promise.resolve(bus.publish(undefined, new Message({ source: this.nodeId, event })));
  }

  /**
   * Wires the route most agents need: transcriptions into the node's history, and on `runOn`
   * (`UserStoppedSpeaking`) a generation that `cancelOn` (`UserStartedSpeaking`) interrupts.
   * @example
   * const { generation } = bridge.conversation(node);
   * generation.concurrency("switch");
   */
  conversation(node: ConversationalNode, options: ConversationOptions = {}): ConversationRoutes {
    const transcripts = this.on(UserTranscriptionReceived).map((message) => node.addEvent(message));
    const spoken = this.on(AgentSpeechSent).map((message) => node.addEvent(message));
    const generation = this.on(
      options.runOn ?? UserStoppedSpeaking,
      options.filter === undefined ? {} : { filter: options.filter },
    )
      // Called as a method: the node may be a plain class whose methods use `this`.
      .interruptOn(options.cancelOn ?? UserStartedSpeaking, (message) =>
        node.onInterruptGenerate(message),
      )
      .stream((message, ctx) => node.generate(message, ctx))
      .broadcast();
    return { transcripts, spoken, generation };
  }

  /**
   * Starts this bridge's input routing. `bus.start()` starts every registered bridge; call this
   * only for a bridge you manage on its own. Idempotent.
   * @example bus.registerBridge("user", userBridge); await userBridge.start();
   */
  async start(): Promise<void> {
    this[startBridge]();
  }

  /**
   * Stops this bridge: input routing ends, its executions are cancelled and it handles no more
   * messages; resolves once every execution has torn down. Other bridges go on. Idempotent.
   * @example await agentBridge.stop();
   */
  stop(): Promise<void> {
    return this[stopBridge]();
  }

  get #logger(): Logger {
    if (this.#log === undefined)
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `bridge "${this.nodeId}" is not registered on a bus`,
      );
    return this.#log;
  }

  #publish(
    execution: Execution,
    value: unknown,
    eventClass: (new (init: never) => object) | undefined,
  ): void | PromiseLike<void> {
    const bus = this.#bus;
    if (bus === undefined) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `bridge "${this.nodeId}" is not registered on a bus`,
      );
    }
    const message = new Message({
      source: this.nodeId,
      event: toEvent(value, eventClass),
      generationId: execution.generationId,
    });
    return bus.publish(execution, message);
  }

  #reportError(route: Route, message: Message, error: unknown): void {
    const failure = { bridge: this.nodeId, route: route.description, message, error };
    this.#bus?.reportError(failure);
  }

  #startInputs(inputs: readonly InputSource[]): void {
    const bus = this.#bus;
    if (bus === undefined || inputs.length === 0) return;
    const controller = (this.#inputController ??= new AbortController());
    const emit = (event: object) =>
      bus.publish(
        undefined,
        event instanceof Message
          ? (event as Message<object>)
          : new Message({ source: this.nodeId, event }),
      );
    const running = inputs.map((input) => runInput(input, emit, controller.signal, bus.log));
    this.#inputsDone = Promise.all([this.#inputsDone, ...running]);
  }

  /** @internal */
  [attachToBus](link: BusLink): void {
    if (this.#bus !== undefined && this.#bus !== link) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `bridge "${this.nodeId}" is already registered on another bus`,
      );
    }
    this.#bus = link;
    this.#log = link.log;
    if (isBusAwareNode(this.node)) {
      this.node[attachNode](
        (event) => void link.publish(undefined, new Message({ source: this.nodeId, event })),
        link.log,
      );
    }
  }

  /** @internal Runs the triggers of a message, in delivery order. */
  [deliverMessage](message: Message, seq: number): void {
    if (this.#state === "stopped" || !this.isAuthorized(message.source)) return;
    for (const route of this.#routes) route.trigger(message, seq);
  }

  /** @internal Applies interrupt/suspend/resume rules the moment a message is broadcast. */
  [applyControls](message: Message, seq: number): void {
    if (this.#state === "stopped" || !this.isAuthorized(message.source)) return;
    for (const route of this.#routes) if (route.controls.length > 0) route.control(message, seq);
  }

  /** @internal */
  [startBridge](): void {
    if (this.#state !== "idle") return;
    this.#state = "running";
    this.#startInputs(this.#inputs);
  }

  /** @internal Stops input routing, cancels every execution and waits for their teardown. */
  async [stopBridge](): Promise<void> {
    if (this.#state === "stopped") return;
    this.#state = "stopped";
    this.#inputController?.abort();
    await Promise.all(this.#routes.map((route) => route.stop()));
    await this.#inputsDone;
  }

  /** @internal */
  [bridgeStats](): RouteStats & { routes: number } {
    const total = { routes: this.#routes.length, active: 0, tearingDown: 0, waiting: 0 };
    for (const route of this.#routes) {
      const s = route.stats;
      total.active += s.active;
      total.tearingDown += s.tearingDown;
      total.waiting += s.waiting;
    }
    return total;
  }
}

function toEvent(value: unknown, eventClass: (new (init: never) => object) | undefined): object {
  if (eventClass !== undefined) return new eventClass(value as never);
  if (typeof value === "string") return new AgentResponse({ content: value });
  if (value instanceof Message) return (value as Message<object>).event;
  if (typeof value === "object" && value !== null) return value;
  throw new SwitchboardError(
    "NOT_AN_EVENT",
    `broadcast() got ${value === null ? "null" : typeof value}; map it to an event or pass an event class`,
  );
}
