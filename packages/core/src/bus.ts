import { Subject, type Observable } from "rxjs";
import { SwitchboardError, toError } from "./errors.js";
import type { Bridge } from "./bridge.js";
import {
  applyControls,
  attachToBus,
  bridgeStats,
  deliverMessage,
  startBridge,
  stopBridge,
  type BusLink,
  type RouteFailure,
} from "./internal/bus-link.js";
import type { Execution } from "./internal/execution.js";
import { describeEvent } from "./internal/route.js";
import { createLogger, type Logger } from "./logger.js";
import type { Message } from "./message.js";

export type { RouteFailure } from "./internal/bus-link.js";

/** Options of {@link Bus}. */
export interface BusOptions {
  /** Any pino-compatible logger; default: pino at `LOG_LEVEL` (default `info`). */
  logger?: Logger;
  /** Messages that may wait for delivery before `broadcast` waits (back-pressure). Default 10,000. */
  maxQueueSize?: number;
  /**
   * How long a cancelled execution may take to tear down (a node that ignores its signal) before
   * it is abandoned and logged with its bridge, route and generation; the route then moves on
   * (the interrupt handler runs, the next trigger starts, `cleanup()` resolves). Default 2 s.
   */
  teardownTimeoutMs?: number;
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
  readonly owner: Execution | undefined;
  resolve: (() => void) | undefined;
}

type BusState = "idle" | "started" | "closing" | "closed";

const RESOLVED = Promise.resolve();

/** A function, not an inline check: the type checker would narrow `cancelled` across the loop. */
function isStale(owner: Execution | undefined): boolean {
  return owner?.cancelled === true;
}

/**
 * Delivers every message to every registered bridge, in broadcast order.
 * @example
 * const bus = new Bus();
 * bus.registerBridge("agent", bridge);
 * await bus.start();
 * await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
 * await bus.cleanup();
 */
export class Bus {
  /** Everything delivered, in order. Completes on `cleanup()`. */
  readonly messages$: Observable<Message>;
  /** Every step, filter or handler that threw, with its bridge, route and triggering message. */
  readonly errors$: Observable<RouteFailure>;
  readonly log: Logger;
  readonly #messages = new Subject<Message>();
  readonly #errors = new Subject<RouteFailure>();
  readonly #bridges: Bridge[] = [];
  readonly #names = new Set<string>();
  readonly #maxQueueSize: number;
  #queue: Pending[] = [];
  #head = 0;
  #draining = false;
  #seq = 0;
  #waiters: Pending[] = [];
  #state: BusState = "idle";
  #closed: Promise<void> | undefined;
  readonly #link: BusLink;

  constructor(options: BusOptions = {}) {
    this.log = options.logger ?? createLogger();
    this.#maxQueueSize = options.maxQueueSize ?? 10_000;
    this.messages$ = this.#messages.asObservable();
    this.errors$ = this.#errors.asObservable();
    this.#link = {
      log: this.log,
      teardownTimeoutMs: options.teardownTimeoutMs ?? 2000,
      publish: (owner, message) => this.#publish(message, owner),
      reportError: (failure) =>
        this.#reportError(failure, this.log.child({ bridge: failure.bridge })),
    };
  }

  /**
   * Adds a bridge; its routes see every message broadcast from now on.
   * @example bus.registerBridge("agent", new Bridge(node))
   */
  registerBridge(name: string, bridge: Bridge): this {
    if (this.#names.has(name))
      throw new SwitchboardError("ROUTE_CONFIG", `a bridge named "${name}" is already registered`);
    this.#names.add(name);
    const log = this.log.child({ bridge: name });
    bridge[attachToBus]({
      ...this.#link,
      log,
      reportError: (failure) => this.#reportError(failure, log),
    });
    this.#bridges.push(bridge);
    if (this.#state === "started") bridge[startBridge]();
    return this;
  }

  /** Starts every bridge's input routing. Idempotent. */
  async start(): Promise<void> {
    if (this.#state !== "idle") return;
    this.#state = "started";
    for (const bridge of this.#bridges) bridge[startBridge]();
  }

  /**
   * Delivers `message` to every bridge. Resolves once delivered (matching routes have started or
   * queued their executions), not when they finish. A no-op after `cleanup()`.
   */
  broadcast(message: Message): Promise<void> {
    return this.#publish(message, undefined) ?? RESOLVED;
  }

  /** Stops input routing, cancels every execution and waits for teardown. Idempotent. */
  cleanup(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
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
      const s = bridge[bridgeStats]();
      stats.routes += s.routes;
      stats.active += s.active;
      stats.tearingDown += s.tearingDown;
      stats.waiting += s.waiting;
    }
    return stats;
  }

  #publish(message: Message, owner: Execution | undefined): Promise<void> | undefined {
    if (this.#state === "closing" || this.#state === "closed") return undefined;
    if (owner?.cancelled === true) return undefined;
    // The sequence number is taken now, so a message held by back-pressure keeps its place.
    const seq = ++this.#seq;
    // Control events act now, ahead of anything still queued or held by back-pressure.
    for (const bridge of this.#bridges) bridge[applyControls](message, seq);
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
    this.#drain();
    return undefined;
  }

  #drain(): void {
    this.#draining = true;
    try {
      while (this.#head < this.#queue.length) {
        const pending = this.#queue[this.#head]!;
        this.#queue[this.#head++] = undefined as unknown as Pending;
        this.#deliver(pending);
        pending.resolve?.();
        while (this.#waiters.length > 0 && this.#queue.length - this.#head < this.#maxQueueSize) {
          this.#queue.push(this.#waiters.shift()!);
        }
      }
    } finally {
      this.#queue = [];
      this.#head = 0;
      this.#draining = false;
    }
  }

  #deliver(pending: Pending): void {
    if (this.#state === "closed") return;
    const { message, seq, owner } = pending;
    // Stale: produced by an execution cancelled while this message waited in the queue.
    if (isStale(owner)) return;
    // Subject.next costs a closure and an observer-array copy even with nobody listening.
    if (this.#messages.observed) this.#messages.next(message);
    for (const bridge of this.#bridges) {
      // A bridge earlier in this loop may have broadcast an interrupt that cancelled the producer.
      if (isStale(owner)) return;
      bridge[deliverMessage](message, seq);
    }
  }

  #reportError(failure: RouteFailure, log: Logger): void {
    const error = toError(failure.error);
    log.error(
      { err: error, route: failure.route, event: describeEvent(failure.message) },
      "route failed",
    );
    this.#errors.next(failure);
  }

  async #close(): Promise<void> {
    this.#state = "closing";
    await Promise.all(this.#bridges.map((bridge) => bridge[stopBridge]()));
    for (const waiter of this.#waiters.splice(0)) waiter.resolve?.();
    this.#state = "closed";
    this.#messages.complete();
    this.#errors.complete();
  }
}
