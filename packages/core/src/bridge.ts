import type { EventClass } from "./event-registry.js";
import {
  AgentSpeechSent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import type { Bus, BridgeDescription } from "./bus.js";
import { compileSelector, type EventSelector, type Where } from "./internal/event-selector.js";
import { BargeIn } from "./internal/barge-in.js";
import type { Generation } from "./internal/generation.js";
import { runInput, type AnyInputSource, type InputSource } from "./internal/input-routing.js";
import { RouteIndex } from "./internal/route-index.js";
import type { BargeInOptions, UninterruptibleMode } from "./barge-in/barge-in-options.js";
import { Outbox, setNodeOutbox } from "./internal/outbox.js";
import {
  EMPTY_ROUTE_CONFIG,
  Route,
  type ConcurrencyMode,
  type RouteStats,
} from "./internal/route.js";
import type { Logger } from "./logger.js";
import { Message } from "./message.js";
import type { RouteContext } from "./route-context.js";
import { RouteBuilder } from "./route-builder.js";

export type { InputSource, InputSources } from "./internal/input-routing.js";
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
  /** What a new `runOn` does while a turn runs (see `RouteBuilder.concurrency`). Default `"merge"`. */
  concurrency?: ConcurrencyMode;
  /**
   * The barge-in policy: hold the generation when the user starts speaking and resume it exactly
   * if that was a backchannel, too short, or silence; cancel only a confirmed interruption.
   * Default: none (interrupt at once).
   */
  bargeIn?: BargeInOptions;
  /**
   * False makes a generation uninterruptible as a whole (delivered whole; an interrupt takes
   * effect after it); a function decides per trigger message. Default true.
   */
  interruptible?: boolean | ((message: Message) => boolean);
  /**
   * What an interrupt arriving during uninterruptible output does: `"defer"` (default) cuts the
   * generation right after the segment, `"drop"` ignores it (the user's turn starts once the
   * generation has ended).
   */
  onUninterruptible?: UninterruptibleMode;
}

/** The routes `bridge.conversation()` wires, for further configuration. */
export interface ConversationRoutes {
  /** User transcriptions into the node's history. */
  transcripts: RouteBuilder<void, UserTranscriptionReceived>;
  /** What the platform actually spoke (`AgentSpeechSent`): trims an interrupted turn to it. */
  spoken: RouteBuilder<void, AgentSpeechSent>;
  /** The turn: `runOn` → interrupt on `cancelOn` → stream `node.generate` → broadcast. */
  generation: RouteBuilder<object, object>;
  /** With a barge-in policy (or `onUninterruptible: "drop"`): the routes that feed it the user's speech. */
  speech?: {
    started: RouteBuilder<void, UserStartedSpeaking>;
    stopped: RouteBuilder<void, UserStoppedSpeaking>;
  };
}

/** Where a bridge is in its life: `stop()`/`close()` moves it to `"closed"` for good. */
export type BridgeState = "idle" | "running" | "closing" | "closed";

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
  /** @internal The one way up to the bus: every message this bridge sends is built there. */
  readonly outbox: Outbox;
  readonly #routes: Route[] = [];
  /** Which routes each event type concerns: routing asks no other route. */
  readonly #index = new RouteIndex(this.#routes);
  readonly #inputs: AnyInputSource[] = [];
  /** Teardowns of what `conversation()` owns (the barge-in policy's timers). */
  readonly #closers: (() => void)[] = [];
  #authorized: Set<string> | undefined;
  #state: BridgeState = "idle";
  #inputController: AbortController | undefined;
  #inputsDone: Promise<unknown> = NO_INPUTS;
  #closed: Promise<void> | undefined;

  constructor(nodeOrName: NodeLike | string) {
    this.node = typeof nodeOrName === "string" ? undefined : nodeOrName;
    this.nodeId = typeof nodeOrName === "string" ? nodeOrName : nodeOrName.id;
    this.outbox = new Outbox(this.nodeId);
    if (this.node !== undefined) setNodeOutbox(this.node, this.outbox);
  }

  /** `"idle"` until started, `"running"`, then `"closing"` and `"closed"` once stopped. */
  get state(): BridgeState {
    return this.#state;
  }

  /**
   * Starts a route: messages whose event matches `event` (a class, an alias glob or `"*"`).
   * Route settings (`interruptOn`, `concurrency`, …) come first, then steps.
   * @example bridge.on(UserTranscriptionReceived, { source: "user" }).map(node.addEvent)
   */
  on<E extends object>(
    event: EventClass<E>,
    options?: RouteOptions<E>,
  ): RouteBuilder<Message<E>, E, "settings">;
  on(event: string, options?: RouteOptions<object>): RouteBuilder<Message, object, "settings">;
  on(
    event: EventSelector,
    options: RouteOptions<object> = {},
  ): RouteBuilder<Message, object, "settings"> {
    const route = new Route(
      `route-${this.#routes.length}`,
      this.outbox,
      compileSelector(event, options.where),
      { source: options.source, filter: options.filter, onConfigured: this.#reindex },
    );
    this.#routes.push(route);
    this.#index.invalidate();
    return new RouteBuilder(this, route, EMPTY_ROUTE_CONFIG);
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
   * Broadcasts the events of `source` (an async iterable or an Observable) with this bridge's
   * node id as source, from `start()` to `stop()`. (Line's `{ get(), mapToEvents() }` input works
   * too: its type comes with `import "@switchboard/core/line"`.)
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
    return Promise.resolve(this.outbox.publish(event));
  }

  /**
   * Wires the route most agents need: transcriptions into the node's history, and on `runOn`
   * (`UserStoppedSpeaking`) a generation that `cancelOn` (`UserStartedSpeaking`) interrupts.
   * @example
   * const { generation } = bridge.conversation(node, { concurrency: "switch" });
   */
  conversation(node: ConversationalNode, options: ConversationOptions = {}): ConversationRoutes {
    if (options.bargeIn !== undefined || options.onUninterruptible === "drop") {
      return this.#conversationWithBargeIn(node, options);
    }
    const whole = wholeGenerationShield(options.interruptible);
    const transcripts = this.on(UserTranscriptionReceived).map((message) => node.addEvent(message));
    const spoken = this.on(AgentSpeechSent).map((message) => node.addEvent(message));
    const generation = this.on(
      options.runOn ?? UserStoppedSpeaking,
      options.filter === undefined ? {} : { filter: options.filter },
    )
      .concurrency(options.concurrency ?? "merge")
      // Called as a method: the node may be a plain class whose methods use `this`.
      .interruptOn(options.cancelOn ?? UserStartedSpeaking, (message) =>
        node.onInterruptGenerate(message),
      )
      .stream((message, ctx) => {
        if (whole?.(message) === true) (ctx as Generation).shield("generation");
        return node.generate(message, ctx);
      })
      .broadcast();
    return { transcripts, spoken, generation };
  }

  /** `conversation()` with the barge-in runtime between the user's speech and the generation. */
  #conversationWithBargeIn(
    node: ConversationalNode,
    options: ConversationOptions,
  ): ConversationRoutes {
    const whole = wholeGenerationShield(options.interruptible);
    const outbox = this.outbox;
    const bargeIn = new BargeIn(
      {
        addEvent: (event) => node.addEvent(event),
        onInterruptGenerate: (message) => node.onInterruptGenerate(message),
        announce: (event, generation) => void outbox.publish(event, generation),
        reportError: (message, error) => outbox.reportError("barge-in", message, error),
      },
      { bargeIn: options.bargeIn, uninterruptible: options.onUninterruptible ?? "defer" },
    );
    this.#closers.push(() => bargeIn.close());
    // Registered before the generation route: a UserStoppedSpeaking reaches the policy before the
    // turn it triggers asks to start.
    const started = this.on(options.cancelOn ?? UserStartedSpeaking).map((message) =>
      bargeIn.userStarted(message as Message<UserStartedSpeaking>),
    ) as RouteBuilder<void, UserStartedSpeaking>;
    const stopped = this.on(UserStoppedSpeaking).map((message) => bargeIn.userStopped(message));
    const transcripts = this.on(UserTranscriptionReceived).map((message) =>
      bargeIn.transcript(message),
    );
    const spoken = this.on(AgentSpeechSent).map((message) => node.addEvent(message));
    const generation = this.on(
      options.runOn ?? UserStoppedSpeaking,
      options.filter === undefined ? {} : { filter: options.filter },
    )
      .concurrency(options.concurrency ?? "merge")
      .stream((message, ctx) => {
        const current = ctx as Generation;
        const uninterruptible = whole?.(message) === true;
        if (uninterruptible) current.shield("generation");
        const admitted = bargeIn.admit(message, current, uninterruptible);
        if (admitted === true) return node.generate(message, ctx);
        if (admitted === false) return NOTHING;
        return admitted.then((go) => (go ? node.generate(message, ctx) : NOTHING));
      })
      .map((chunk, ctx) => bargeIn.deliver(chunk, ctx as Generation))
      .broadcast();
    return { transcripts, spoken, generation, speech: { started, stopped } };
  }

  /**
   * Starts this bridge's input routing. `bus.start()` starts every registered bridge; call this
   * only for a bridge you manage on its own. Idempotent.
   * @example bus.registerBridge("user", userBridge); await userBridge.start();
   */
  async start(): Promise<void> {
    this.begin();
  }

  /**
   * Closes this bridge: input routing ends, its generations are cancelled and it handles no more
   * messages; resolves once every generation has torn down. Other bridges go on. Idempotent.
   * @example await agentBridge.close();
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  /**
   * The contract's name for {@link Bridge.close}.
   * @example await agentBridge.stop();
   */
  stop(): Promise<void> {
    return this.close();
  }

  /** `await using bridge = new Bridge(node)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** @internal Called by `Bus.registerBridge`; the bridge logs on a child of `busLog`. */
  attach(bus: Bus, name: string, busLog: Logger): void {
    this.outbox.attach(bus, name, busLog);
  }

  /** @internal Starts input routing (the bus starts every bridge it has). */
  begin(): void {
    if (this.#state !== "idle") return;
    this.#state = "running";
    this.#startInputs(this.#inputs);
  }

  /** @internal Runs the triggers of a message, in delivery order. */
  deliver(message: Message, seq: number): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    if (!this.isAuthorized(message.source)) return;
    const entry = this.#index.entry(message.event);
    const routes = entry?.triggers ?? this.#routes;
    const typeMatched = entry !== undefined;
    // Indexed: a for-of makes an iterator per message wherever it is not optimized.
    for (let i = 0; i < routes.length; i++) routes[i]!.trigger(message, seq, typeMatched);
  }

  /** @internal Applies interrupt/suspend/resume rules the moment a message is broadcast. */
  applyControls(message: Message, seq: number): void {
    if (this.#state === "closing" || this.#state === "closed") return;
    if (!this.isAuthorized(message.source)) return;
    const routes = this.#index.entry(message.event)?.controls ?? this.#routes;
    for (let i = 0; i < routes.length; i++) {
      const route = routes[i]!;
      if (route.hasControls) route.control(message, seq);
    }
  }

  /** A route's configuration changed: what the index knew about its rules is stale. */
  readonly #reindex = (): void => this.#index.invalidate();

  /** @internal */
  stats(): RouteStats & { routes: number } {
    const total = { routes: this.#routes.length, active: 0, tearingDown: 0, waiting: 0 };
    for (const route of this.#routes) {
      const s = route.stats;
      total.active += s.active;
      total.tearingDown += s.tearingDown;
      total.waiting += s.waiting;
    }
    return total;
  }

  /** @internal The data behind `bus.describe()`. */
  describe(name: string): BridgeDescription {
    return {
      name,
      nodeId: this.nodeId,
      authorized: this.#authorized === undefined ? null : [...this.#authorized],
      routes: this.#routes.map((route) => {
        const config = route.config;
        return {
          id: route.id,
          trigger: route.description,
          ...(route.sources === undefined ? {} : { source: [...route.sources] }),
          concurrency: config.concurrency,
          controls: config.controls.map((rule) => ({
            kind: rule.kind,
            event: rule.matcher.description,
          })),
          steps: config.steps.map((step) => ({
            kind: step.kind,
            ...(step.name === undefined ? {} : { name: step.name }),
          })),
        };
      }),
    };
  }

  #startInputs(inputs: readonly AnyInputSource[]): void {
    const outbox = this.outbox;
    if (!outbox.attached || inputs.length === 0) return;
    const controller = (this.#inputController ??= new AbortController());
    const emit = (event: object) =>
      event instanceof Message ? outbox.forward(event as Message<object>) : outbox.publish(event);
    const running = inputs.map((input) => runInput(input, emit, controller.signal, outbox.log));
    this.#inputsDone = Promise.all([this.#inputsDone, ...running]);
  }

  /** Stops input routing, cancels every generation and waits for their teardown. */
  async #close(): Promise<void> {
    this.#state = "closing";
    for (const close of this.#closers.splice(0)) close();
    this.#inputController?.abort();
    await Promise.all(this.#routes.map((route) => route.stop()));
    await this.#inputsDone;
    this.#state = "closed";
  }
}

const NOTHING: readonly object[] = [];

/** What a bridge without input sources waits for when it closes: shared, not one per bridge. */
const NO_INPUTS: Promise<unknown> = Promise.resolve();

/** The conversation's `interruptible` option as "is this trigger's generation shielded whole?". */
function wholeGenerationShield(
  interruptible: ConversationOptions["interruptible"],
): ((message: Message) => boolean) | undefined {
  if (interruptible === undefined || interruptible === true) return undefined;
  if (interruptible === false) return () => true;
  return (message) => !interruptible(message);
}
