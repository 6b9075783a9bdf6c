import { eventAlias } from "../event-registry.js";
import { isAbortError } from "../errors.js";
import type { Message } from "../message.js";
import type { EventMatcher } from "./event-selector.js";
import { Generation } from "./generation.js";
import { GenerationSet } from "./generation-set.js";
import type { Outbox } from "./outbox.js";
import { isThenable } from "./is-thenable.js";
import { terminalSink, type Sink, type Step } from "./steps.js";

/** What a new trigger does while a generation of the same route is running. */
export type ConcurrencyMode = "merge" | "switch" | "concat" | "exhaust";

/**
 * Every concurrency mode in one place. A route runs up to `slots` generations at once; a trigger
 * that finds them all taken does `whenFull`. While the route is held (a cancelled generation is
 * still tearing down, or an interrupt handler runs), triggers are kept by `hold`; on release, held
 * triggers start while a slot is free. concat is merge with one slot.
 *
 * | mode      | slots | trigger when full                         | hold (while tearing down) |
 * |-----------|-------|-------------------------------------------|---------------------------|
 * | `merge`   | ∞     | (never full)                              | every trigger, in order   |
 * | `concat`  | 1     | queue it                                  | every trigger, in order   |
 * | `switch`  | 1     | cancel the running one, hold this trigger | the latest trigger only   |
 * | `exhaust` | 1     | drop it                                   | the first trigger only    |
 */
export const CONCURRENCY: Readonly<
  Record<
    ConcurrencyMode,
    {
      readonly slots: number;
      readonly whenFull: "queue" | "cancel" | "drop";
      readonly hold: "all" | "latest" | "first";
    }
  >
> = {
  merge: { slots: Infinity, whenFull: "queue", hold: "all" },
  concat: { slots: 1, whenFull: "queue", hold: "all" },
  switch: { slots: 1, whenFull: "cancel", hold: "latest" },
  exhaust: { slots: 1, whenFull: "drop", hold: "first" },
};

export type ControlKind = "interrupt" | "suspend" | "resume";

export type ControlHandler = (message: Message<never>) => unknown;

export interface ControlRule {
  readonly kind: ControlKind;
  /** What the rule was registered with (a class or an alias glob); one rule per selector and kind. */
  readonly selector: unknown;
  readonly matcher: EventMatcher;
  readonly filter: ((message: Message<never>) => unknown) | undefined;
  readonly handler: ControlHandler | undefined;
}

/** A route's configuration: replaced whole by each builder call, never changed in place. */
export interface RouteConfig {
  readonly steps: readonly Step[];
  readonly controls: readonly ControlRule[];
  readonly concurrency: ConcurrencyMode;
}

export interface RouteStats {
  active: number;
  tearingDown: number;
  waiting: number;
}

export const EMPTY_ROUTE_CONFIG: RouteConfig = Object.freeze({
  steps: Object.freeze([]),
  controls: Object.freeze([]),
  concurrency: "merge",
});

/**
 * The runtime of one route: which messages trigger it, its steps, and the generations it owns.
 * Cancellation lives here: an interrupt cancels every running and waiting generation at once,
 * holds new triggers until every cancelled generation has torn down, runs the handler, then lets
 * the held triggers start.
 */
export class Route {
  /** Unique within its bridge: `route-<n>` in the order the routes were declared. */
  readonly id: string;
  readonly matcher: EventMatcher;
  readonly sources: ReadonlySet<string> | undefined;
  readonly #outbox: Outbox;
  readonly #filter: ((message: Message) => unknown) | undefined;
  readonly #onConfigured: (() => void) | undefined;
  #config: RouteConfig = EMPTY_ROUTE_CONFIG;
  readonly #active = new GenerationSet();
  readonly #tearingDown = new GenerationSet();
  #waiting: Message[] = [];
  #suspended = false;
  #gate: Promise<void> | undefined;
  /** Sequence number of the last interrupt: triggers broadcast before it never start. */
  #fencedBefore = -1;

  constructor(
    id: string,
    outbox: Outbox,
    matcher: EventMatcher,
    options: {
      source?: string | readonly string[] | undefined;
      filter?: ((message: Message) => unknown) | undefined;
      /** Told after each `configure`: the bridge forgets what it indexed about this route's rules. */
      onConfigured?: () => void;
    },
  ) {
    this.id = id;
    this.#outbox = outbox;
    this.matcher = matcher;
    const source = options.source;
    this.sources =
      source === undefined ? undefined : new Set(typeof source === "string" ? [source] : source);
    this.#filter = options.filter;
    this.#onConfigured = options.onConfigured;
  }

  get description(): string {
    return this.matcher.description;
  }

  get config(): RouteConfig {
    return this.#config;
  }

  /**
   * Replaces the configuration `from` (what a builder extends) with `to`. A builder that is not
   * the route's latest has already been extended: continuing it too would chain both continuations
   * onto one route, so it is refused (false) and the builder reports it.
   */
  configure(from: RouteConfig, to: RouteConfig): boolean {
    if (this.#config !== from) return false;
    this.#config = to;
    this.#onConfigured?.();
    return true;
  }

  get stats(): RouteStats {
    return {
      active: this.#active.size,
      tearingDown: this.#tearingDown.size,
      waiting: this.#waiting.length,
    };
  }

  /**
   * Whether events of `event`'s type can trigger this route (what a bridge's `RouteIndex` keeps).
   * A selector that throws says yes: `trigger` then reports it per message.
   */
  mayTrigger(event: object): boolean {
    return mayMatchType(this.matcher, event);
  }

  /** Whether events of `event`'s type can match one of this route's control rules. */
  mayControl(event: object): boolean {
    return this.#config.controls.some((rule) => mayMatchType(rule.matcher, event));
  }

  /**
   * A message was delivered to the bridge: start (or hold) a generation if it matches.
   * `typeMatched`: the bridge's index already found the event's type matches this route's selector.
   */
  trigger(message: Message, seq: number, typeMatched = false): void {
    if (this.sources !== undefined && !this.sources.has(message.source)) return;
    if (!(typeMatched && this.matcher.typeOnly) && !this.#matches(message)) return;
    if (this.#suspended || seq < this.#fencedBefore) return;
    if (this.#filter !== undefined && !this.#guard(message, () => this.#filter?.(message))) return;
    if (this.#outbox.tracing) this.#outbox.trace(this.id, "triggered", message, undefined);
    const mode = CONCURRENCY[this.#config.concurrency];
    if (this.#gate !== undefined) {
      this.#hold(message);
      return;
    }
    if (this.#active.size < mode.slots) {
      this.#start(message);
      return;
    }
    switch (mode.whenFull) {
      case "queue":
        this.#waiting.push(message);
        return;
      case "drop":
        return;
      case "cancel": {
        // The new generation starts once the cancelled one has torn down (its `finally` ran),
        // as after an interrupt: a node never sees two turns overlap.
        const cancelled = this.#cancelRunning();
        this.#hold(message);
        this.#holdUntil(cancelled, undefined);
        return;
      }
    }
  }

  /** A message was broadcast: apply any control rule it matches, at once. */
  control(message: Message, seq: number): void {
    for (const rule of this.#config.controls) {
      if (!rule.matcher.matches(message.event)) continue;
      if (
        rule.filter !== undefined &&
        !this.#guard(message, () => rule.filter?.(message as Message<never>))
      )
        continue;
      switch (rule.kind) {
        case "interrupt":
          this.#fencedBefore = seq;
          this.#cancelAll(rule, message, false);
          break;
        case "suspend":
          this.#suspended = true;
          this.#fencedBefore = seq;
          this.#cancelAll(rule, message, true);
          break;
        case "resume":
          this.#suspended = false;
          if (rule.handler !== undefined) void this.#runHandler(rule.handler, message);
          break;
      }
    }
  }

  get hasControls(): boolean {
    return this.#config.controls.length > 0;
  }

  /** Cancels everything this route runs or holds; resolves when all of it has torn down. */
  async stop(): Promise<void> {
    this.#waiting = [];
    const cancelled = [...this.#active, ...this.#tearingDown];
    this.#cancelRunning(true);
    // Generations whose cancel waits for the end of an uninterruptible segment stop now too.
    for (const generation of this.#tearingDown) generation.cancel(true);
    await new Promise<void>((resolve) => this.#whenTornDown(cancelled, resolve));
    await this.#gate;
  }

  /**
   * Calls `done` once every generation has torn down, or at the teardown deadline: one stuck in
   * an await that ignores its signal is abandoned (its output stays fenced off) and logged, so the
   * route, its session and the process never wait on it forever. `done` runs in the call that
   * finishes the last generation, not some promise hops later: it is the way to an interrupt's
   * handler.
   */
  #whenTornDown(generations: readonly Generation[], done: () => void): void {
    let left = 0;
    for (const generation of generations) if (!generation.isFinished) left++;
    if (left === 0) {
      done();
      return;
    }
    const timeoutMs = this.#outbox.teardownTimeoutMs;
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      this.#abandon(generations, timeoutMs);
      done();
    }, timeoutMs);
    const onFinished = () => {
      if (settled || --left > 0) return;
      settled = true;
      clearTimeout(timer);
      done();
    };
    for (const generation of generations) {
      if (!generation.isFinished) generation.whenFinished(onFinished);
    }
  }

  #abandon(generations: readonly Generation[], timeoutMs: number): void {
    for (const generation of generations) {
      if (generation.isFinished) continue;
      this.#tearingDown.delete(generation);
      this.#outbox.log.warn(
        {
          bridge: this.#outbox.bridgeName,
          route: this.description,
          generationId: generation.generationId,
          teardownTimeoutMs: timeoutMs,
        },
        "generation abandoned: still tearing down past its deadline",
      );
    }
  }

  #hold(message: Message): void {
    switch (CONCURRENCY[this.#config.concurrency].hold) {
      case "all":
        this.#waiting.push(message);
        return;
      case "latest":
        this.#waiting = [message];
        return;
      case "first":
        if (this.#waiting.length === 0) this.#waiting.push(message);
        return;
    }
  }

  #cancelRunning(force = false): Generation[] {
    const cancelled: Generation[] = [];
    for (const generation of this.#active) {
      if (generation.cancel(force)) {
        cancelled.push(generation);
        if (this.#outbox.tracing) {
          this.#outbox.trace(this.id, "cancelled", generation.message, generation);
        }
      }
      this.#tearingDown.add(generation);
    }
    this.#active.clear();
    return cancelled;
  }

  #cancelAll(rule: ControlRule, message: Message, alwaysRunHandler: boolean): void {
    const held = this.#waiting.length;
    this.#waiting = [];
    const cancelled = this.#cancelRunning();
    if (cancelled.length === 0 && held === 0 && !alwaysRunHandler) return;
    const handler = rule.handler;
    this.#holdUntil(
      cancelled,
      handler === undefined ? undefined : () => this.#runHandler(handler, message),
    );
  }

  /**
   * Holds triggers until every generation in `cancelled` has torn down (and any earlier hold
   * ended), then runs `after`, then releases what was held.
   */
  #holdUntil(cancelled: readonly Generation[], after: (() => Promise<void>) | undefined): void {
    const previous = this.#gate;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    this.#gate = gate;
    const afterTeardown = () =>
      this.#whenTornDown(cancelled, () => {
        if (after === undefined) open();
        else void after().then(open); // `#runHandler` never rejects
      });
    if (previous === undefined) afterTeardown();
    else void previous.then(afterTeardown);
    void gate.then(() => {
      if (this.#gate !== gate) return;
      this.#gate = undefined;
      this.#release();
    });
  }

  /** Starts held triggers while a slot is free. */
  #release(): void {
    if (this.#suspended) return;
    const slots = CONCURRENCY[this.#config.concurrency].slots;
    while (this.#waiting.length > 0 && this.#active.size < slots) {
      this.#start(this.#waiting.shift()!);
    }
  }

  #start(message: Message): void {
    const generation = new Generation(message);
    this.#active.add(generation);
    if (this.#outbox.tracing) this.#outbox.trace(this.id, "started", message, generation);
    this.#run(generation, this.#config.steps);
  }

  /**
   * Runs a generation. A route whose steps all answered synchronously (a map route, most
   * per-message routes) ends here, in the same call, without a promise; one still on its way
   * finishes in `#settle`.
   */
  #run(generation: Generation, steps: readonly Step[]): void {
    let pending: PromiseLike<unknown> | undefined;
    try {
      let sink: Sink = terminalSink;
      for (let i = steps.length - 1; i >= 0; i--) sink = steps[i]!.connect(generation, sink);
      const pushed = sink.push(generation.message);
      if (isThenable(pushed)) {
        void this.#settle(generation, pushed, sink);
        return;
      }
      if (!generation.cancelled) {
        const ended = sink.end();
        if (isThenable(ended)) pending = ended;
      }
    } catch (error) {
      this.#failed(generation, error);
    }
    if (pending === undefined) this.#ended(generation);
    else void this.#settle(generation, pending, undefined);
  }

  /**
   * The rest of a run still on its way: `pending` (the trigger's push, then the sink's end when
   * `sink` is given, or the end itself). One async function, so an interrupted stream reaches its
   * handler in as few promise hops as a hand-written loop.
   */
  async #settle(
    generation: Generation,
    pending: PromiseLike<unknown>,
    sink: Sink | undefined,
  ): Promise<void> {
    try {
      await pending;
      if (sink !== undefined && !generation.cancelled) await sink.end();
    } catch (error) {
      this.#failed(generation, error);
    } finally {
      this.#ended(generation);
    }
  }

  #failed(generation: Generation, error: unknown): void {
    if (generation.cancelled && isAbortError(error)) {
      this.#outbox.log.debug(
        { route: this.description, generationId: generation.generationId },
        "generation aborted",
      );
    } else {
      this.#outbox.reportError(this.description, generation.message, error);
    }
  }

  #ended(generation: Generation): void {
    this.#active.delete(generation);
    this.#tearingDown.delete(generation);
    // Last: finishing may run an interrupt's handler and release held triggers at once.
    generation.finish();
    if (this.#outbox.tracing) this.#outbox.trace(this.id, "ended", generation.message, generation);
    if (this.#gate === undefined && this.#waiting.length > 0) this.#release();
  }

  async #runHandler(handler: ControlHandler, message: Message): Promise<void> {
    try {
      await handler(message as Message<never>);
    } catch (error) {
      this.#outbox.reportError(this.description, message, error);
    }
  }

  /** The selector and its `where` clause; a throwing `where` predicate counts as "no" and is reported. */
  #matches(message: Message): boolean {
    try {
      return this.matcher.matches(message.event);
    } catch (error) {
      this.#outbox.reportError(this.description, message, error);
      return false;
    }
  }

  /** Runs a user predicate; a throw counts as "no" and is reported, never propagated into the bus. */
  #guard(message: Message, predicate: () => unknown): boolean {
    try {
      return Boolean(predicate());
    } catch (error) {
      this.#outbox.reportError(this.description, message, error);
      return false;
    }
  }
}

/** `matcher.matchesType(event)`, where a selector that throws says yes (it is reported per message). */
function mayMatchType(matcher: EventMatcher, event: object): boolean {
  try {
    return matcher.matchesType(event);
  } catch {
    return true;
  }
}

/** The alias (or class name) of a message's event, for logs. */
export function describeEvent(message: Message): string {
  return eventAlias(message.event) ?? message.event.constructor.name;
}
