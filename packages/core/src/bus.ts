import type { Context } from "@opentelemetry/api";
import { Subject, type Observable } from "rxjs";
import { SwitchboardError, toError } from "./errors.js";
import type { Bridge } from "./bridge.js";
import type { Generation } from "./internal/generation.js";
import { DEFAULT_TEARDOWN_TIMEOUT_MS } from "./internal/outbox.js";
import { describeEvent, type ConcurrencyMode, type ControlKind } from "./internal/route.js";
import type { StepKind } from "./internal/steps.js";
import { createLogger, type Logger } from "./logger.js";
import type { Message } from "./message.js";

/** A route step, filter or handler threw. */
export interface RouteFailure {
  readonly bridge: string;
  readonly route: string;
  readonly message: Message;
  readonly error: unknown;
}

/** What `bus.describe()` returns: every bridge with its routes, as plain data. */
export interface BusDescription {
  bridges: BridgeDescription[];
}

/** One bridge in {@link BusDescription}. */
export interface BridgeDescription {
  /** The name it was registered under. */
  name: string;
  nodeId: string;
  /** The sources it accepts, or `null` when it accepts every source. */
  authorized: string[] | null;
  routes: RouteDescription[];
}

/** One route in {@link BridgeDescription}. */
export interface RouteDescription {
  /** Unique within its bridge, stable for the bridge's life: `route-<n>` in declaration order. */
  id: string;
  /** The trigger: an alias glob as written, or the event class's name. */
  trigger: string;
  /** The sources given to `bridge.on(…, { source })`, if any. */
  source?: string[];
  concurrency: ConcurrencyMode;
  controls: { kind: ControlKind; event: string }[];
  /** Steps in order; `name` is the step function's name when it has one. */
  steps: { kind: StepKind; name?: string }[];
}

/** Where a route's generation is, in a {@link RouteTrace}. */
export type RouteTracePhase = "triggered" | "started" | "cancelled" | "ended";

/** One point of `bus.trace()`: a route was triggered, or one of its generations started, was cancelled or ended. */
export interface RouteTrace {
  /** The bridge's registered name. */
  bridge: string;
  routeId: string;
  phase: RouteTracePhase;
  /** Set for `started`, `cancelled` and `ended`. */
  generationId?: string;
  /** The alias (or class name) of the triggering event. */
  event: string;
  /** `Date.now()` when it happened. */
  at: number;
}

/** Where a bus is in its life: `close()` moves it to `"closing"`, then `"closed"`. */
export type BusState = "idle" | "started" | "closing" | "closed";

/** Options of {@link Bus}. */
export interface BusOptions {
  /** Any pino-compatible logger; default: pino at `LOG_LEVEL` (default `info`). */
  logger?: Logger;
  /** Messages that may wait for delivery before `broadcast` waits (back-pressure). Default 10,000. */
  maxQueueSize?: number;
  /**
   * How long a cancelled generation may take to tear down (a node that ignores its signal) before
   * it is abandoned and logged with its bridge, route and generation; the route then moves on
   * (the interrupt handler runs, the next trigger starts, `close()` resolves). Default 2 s.
   */
  teardownTimeoutMs?: number;
  /**
   * The OpenTelemetry context the bus's generation spans are children of (a server sets the call's
   * span here). Default: the context active when a generation starts.
   */
  traceContext?: Context;
}

/** Counts for tests and soak benchmarks: everything here should return to zero between turns. */
export interface BusStats {
  bridges: number;
  routes: number;
  /** Executions running now. */
  active: number;
  /** Cancelled executions whose generators have not finished closing. */
  tearingDown: number;
  /** Triggers held by a route (concat queue, or during an interrupt's teardown). */
  waiting: number;
  /** Messages broadcast but not yet delivered. */
  queued: number;
}

interface Pending {
  readonly message: Message;
  readonly seq: number;
  readonly owner: Generation | undefined;
  resolve: (() => void) | undefined;
}

const RESOLVED = Promise.resolve();

/** A function, not an inline check: the type checker would narrow `cancelled` across the loop. */
function isStale(owner: Generation | undefined): boolean {
  return owner?.cancelled === true;
}

/**
 * Delivers every message to every registered bridge, in broadcast order.
 * @example
 * const bus = new Bus();
 * bus.registerBridge("agent", bridge);
 * await bus.start();
 * await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
 * await bus.close();
 */
export class Bus {
  /** Everything delivered, in order. Completes on `close()`. */
  readonly messages$: Observable<Message>;
  /** Every step, filter or handler that threw, with its bridge, route and triggering message. */
  readonly errors$: Observable<RouteFailure>;
  readonly log: Logger;
  /** How long a cancelled generation may take to tear down before it is abandoned (see `BusOptions`). */
  readonly teardownTimeoutMs: number;
  /** The parent of the bus's generation spans (see `BusOptions.traceContext`). */
  readonly traceContext: Context | undefined;
  readonly #messages = new Subject<Message>();
  readonly #errors = new Subject<RouteFailure>();
  readonly #bridges: Bridge[] = [];
  readonly #names: string[] = [];
  #tracers: Set<(trace: RouteTrace) => void> | undefined;
  readonly #maxQueueSize: number;
  #queue: Pending[] = [];
  #head = 0;
  #draining = false;
  #seq = 0;
  #waiters: Pending[] = [];
  #state: BusState = "idle";
  #closed: Promise<void> | undefined;

  constructor(options: BusOptions = {}) {
    this.log = options.logger ?? createLogger();
    this.teardownTimeoutMs = options.teardownTimeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS;
    this.traceContext = options.traceContext;
    this.#maxQueueSize = options.maxQueueSize ?? 10_000;
    this.messages$ = this.#messages.asObservable();
    this.errors$ = this.#errors.asObservable();
  }

  /** `"idle"`, `"started"`, then `"closing"` and `"closed"` once `close()` was called. */
  get state(): BusState {
    return this.#state;
  }

  /**
   * Adds a bridge; its routes see every message broadcast from now on.
   * @example bus.registerBridge("agent", new Bridge(node))
   */
  registerBridge(name: string, bridge: Bridge): this {
    if (this.#names.includes(name))
      throw new SwitchboardError("ROUTE_CONFIG", `a bridge named "${name}" is already registered`);
    bridge.attach(this, name, this.log);
    this.#names.push(name);
    this.#bridges.push(bridge);
    if (this.#state === "started") bridge.begin();
    return this;
  }

  /** Starts every bridge's input routing. Idempotent. */
  async start(): Promise<void> {
    if (this.#state !== "idle") return;
    this.#state = "started";
    for (const bridge of this.#bridges) bridge.begin();
  }

  /**
   * Delivers `message` to every bridge. Resolves once delivered (matching routes have started or
   * queued their generations), not when they finish. A no-op after `close()`.
   */
  broadcast(message: Message): Promise<void> {
    return this.enqueue(message, undefined) ?? RESOLVED;
  }

  /**
   * Stops input routing, cancels every generation and waits for teardown. Idempotent.
   * @example await bus.close();
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  /**
   * The contract's name for {@link Bus.close}.
   * @example await bus.cleanup();
   */
  cleanup(): Promise<void> {
    return this.close();
  }

  /** `await using bus = new Bus()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The bridges, their routes, steps and control rules, as plain data.
   * @example for (const { name, routes } of bus.describe().bridges) console.log(name, routes.length);
   */
  describe(): BusDescription {
    return { bridges: this.#bridges.map((bridge, i) => bridge.describe(this.#names[i]!)) };
  }

  /**
   * Calls `listener` at each point of every route's life (triggered, started, cancelled, ended)
   * until the returned function is called. Costs nothing while nobody listens.
   * @example const stop = bus.trace((t) => console.log(t.bridge, t.routeId, t.phase)); stop();
   */
  trace(listener: (trace: RouteTrace) => void): () => void {
    const tracers = (this.#tracers ??= new Set());
    tracers.add(listener);
    return () => {
      tracers.delete(listener);
      if (tracers.size === 0 && this.#tracers === tracers) this.#tracers = undefined;
    };
  }

  /** Counts of live routes, executions and queued messages. */
  stats(): BusStats {
    const stats: BusStats = {
      bridges: this.#bridges.length,
      routes: 0,
      active: 0,
      tearingDown: 0,
      waiting: 0,
      queued: this.#queue.length - this.#head,
    };
    for (const bridge of this.#bridges) {
      const s = bridge.stats();
      stats.routes += s.routes;
      stats.active += s.active;
      stats.tearingDown += s.tearingDown;
      stats.waiting += s.waiting;
    }
    return stats;
  }

  /**
   * @internal Where every message enters the bus (`broadcast`, and each bridge's outbox).
   * `owner` is the generation that produced it: dropped if that generation is cancelled first.
   */
  enqueue(message: Message, owner: Generation | undefined): Promise<void> | undefined {
    if (this.#state === "closing" || this.#state === "closed") return undefined;
    if (owner?.cancelled === true) return undefined;
    // The sequence number is taken now, so a message held by back-pressure keeps its place.
    const seq = ++this.#seq;
    // Control events act now, ahead of anything still queued or held by back-pressure.
    // (Indexed loops on the per-message path: a for-of makes an iterator wherever it is not optimized.)
    const bridges = this.#bridges;
    for (let i = 0; i < bridges.length; i++) bridges[i]!.applyControls(message, seq);
    if (
      !this.#draining &&
      this.#head === this.#queue.length &&
      this.#waiters.length === 0 &&
      this.#maxQueueSize > 0
    ) {
      // Nothing is queued (a chunk of a paced stream, a frame of a caller): deliver it now, with no
      // queue entry to make, then whatever its delivery broadcast.
      this.#draining = true;
      try {
        this.#deliver(message, seq, owner);
        this.#drainQueue();
      } finally {
        this.#endDrain();
      }
      return undefined;
    }
    const pending: Pending = { message, seq, owner, resolve: undefined };
    // Back-pressure; a message never overtakes one that is already waiting for room.
    if (this.#queue.length - this.#head >= this.#maxQueueSize || this.#waiters.length > 0) {
      return new Promise<void>((resolve) => {
        pending.resolve = resolve;
        this.#waiters.push(pending);
      });
    }
    this.#queue.push(pending);
    if (this.#draining) return new Promise<void>((resolve) => (pending.resolve = resolve));
    this.#draining = true;
    try {
      this.#drainQueue();
    } finally {
      this.#endDrain();
    }
    return undefined;
  }

  /** Delivers the queue in order, letting waiters in as room frees up. Only while `#draining`. */
  #drainQueue(): void {
    while (this.#head < this.#queue.length) {
      const pending = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Pending;
      this.#deliver(pending.message, pending.seq, pending.owner);
      pending.resolve?.();
      while (this.#waiters.length > 0 && this.#queue.length - this.#head < this.#maxQueueSize) {
        this.#queue.push(this.#waiters.shift()!);
      }
    }
  }

  #endDrain(): void {
    // Reused while empty; a queue that held messages is let go, with its backing store.
    if (this.#queue.length > 0) this.#queue = [];
    this.#head = 0;
    this.#draining = false;
  }

  #deliver(message: Message, seq: number, owner: Generation | undefined): void {
    if (this.#state === "closed") return;
    // Stale: produced by an execution cancelled while this message waited in the queue.
    if (isStale(owner)) return;
    if (owner !== undefined) owner.deliveries++;
    // Subject.next costs a closure and an observer-array copy even with nobody listening.
    if (this.#messages.observed) this.#messages.next(message);
    const bridges = this.#bridges;
    for (let i = 0; i < bridges.length; i++) {
      // A bridge earlier in this loop may have broadcast an interrupt that cancelled the producer.
      if (isStale(owner)) return;
      bridges[i]!.deliver(message, seq);
    }
  }

  /** @internal True while someone listens to {@link Bus.trace}. */
  get tracing(): boolean {
    return this.#tracers !== undefined;
  }

  /** @internal */
  emitTrace(
    bridge: string,
    routeId: string,
    phase: RouteTracePhase,
    message: Message,
    generation: Generation | undefined,
  ): void {
    const tracers = this.#tracers;
    if (tracers === undefined) return;
    const trace: RouteTrace = {
      bridge,
      routeId,
      phase,
      ...(generation === undefined ? {} : { generationId: generation.generationId }),
      event: describeEvent(message),
      at: Date.now(),
    };
    for (const listener of tracers) {
      try {
        listener(trace);
      } catch (error) {
        this.log.error({ err: toError(error) }, "trace listener failed");
      }
    }
  }

  /** @internal A route step, filter or handler threw: log it on the bridge's logger and tell `errors$`. */
  reportError(failure: RouteFailure, log: Logger): void {
    const error = toError(failure.error);
    log.error(
      { err: error, route: failure.route, event: describeEvent(failure.message) },
      "route failed",
    );
    this.#errors.next(failure);
  }

  async #close(): Promise<void> {
    this.#state = "closing";
    await Promise.all(this.#bridges.map((bridge) => bridge.close()));
    for (const waiter of this.#waiters.splice(0)) waiter.resolve?.();
    this.#state = "closed";
    this.#messages.complete();
    this.#errors.complete();
  }
}
