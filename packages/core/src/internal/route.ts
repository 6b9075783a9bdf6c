import { eventAlias } from "../event-registry.js";
import { isAbortError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Message } from "../message.js";
import type { EventMatcher } from "./event-selector.js";
import { Execution } from "./execution.js";
import { terminalSink, type Sink, type Step } from "./steps.js";

/** What a new trigger does while an execution of the same route is running. */
export type ConcurrencyMode = "merge" | "switch" | "concat" | "exhaust";

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

/** What a route needs from the bridge that owns it. */
export interface RouteHost {
  readonly nodeId: string;
  readonly log: Logger;
  /** How long a cancelled execution may take to tear down before it is abandoned. */
  readonly teardownTimeoutMs: number;
  reportError(route: Route, message: Message, error: unknown): void;
}

export interface RouteStats {
  active: number;
  tearingDown: number;
  waiting: number;
}

/**
 * The runtime of one route: which messages trigger it, its steps, and the executions it owns.
 * Cancellation lives here: an interrupt cancels every running and waiting execution at once,
 * holds new triggers until every cancelled execution has torn down, runs the handler, then lets
 * the held triggers start.
 */
export class Route {
  readonly steps: Step[] = [];
  readonly controls: ControlRule[] = [];
  concurrency: ConcurrencyMode = "merge";
  readonly #host: RouteHost;
  readonly #matcher: EventMatcher;
  readonly #sources: ReadonlySet<string> | undefined;
  readonly #filter: ((message: Message) => unknown) | undefined;
  readonly #active = new Set<Execution>();
  readonly #tearingDown = new Set<Execution>();
  #waiting: Message[] = [];
  #suspended = false;
  #gate: Promise<void> | undefined;
  /** Sequence number of the last interrupt: triggers broadcast before it never start. */
  #fencedBefore = -1;

  constructor(
    host: RouteHost,
    matcher: EventMatcher,
    options: {
      source?: string | readonly string[] | undefined;
      filter?: ((message: Message) => unknown) | undefined;
    },
  ) {
    this.#host = host;
    this.#matcher = matcher;
    const source = options.source;
    this.#sources =
      source === undefined ? undefined : new Set(typeof source === "string" ? [source] : source);
    this.#filter = options.filter;
  }

  get description(): string {
    return this.#matcher.description;
  }

  get stats(): RouteStats {
    return {
      active: this.#active.size,
      tearingDown: this.#tearingDown.size,
      waiting: this.#waiting.length,
    };
  }

  /** A message was delivered to the bridge: start (or queue) an execution if it matches. */
  trigger(message: Message, seq: number): void {
    if (this.#sources !== undefined && !this.#sources.has(message.source)) return;
    if (!this.#matches(message)) return;
    if (this.#suspended || seq < this.#fencedBefore) return;
    if (this.#filter !== undefined && !this.#guard(message, () => this.#filter?.(message))) return;
    if (this.#gate !== undefined) {
      this.#hold(message);
      return;
    }
    switch (this.concurrency) {
      case "merge":
        this.#start(message);
        return;
      case "switch":
        this.#cancelRunning();
        this.#start(message);
        return;
      case "concat":
        if (this.#active.size > 0) this.#waiting.push(message);
        else this.#start(message);
        return;
      case "exhaust":
        if (this.#active.size === 0) this.#start(message);
        return;
    }
  }

  /** A message was broadcast: apply any control rule it matches, at once. */
  control(message: Message, seq: number): void {
    for (const rule of this.controls) {
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

  /** Cancels everything this route runs or holds; resolves when all of it has torn down. */
  async stop(): Promise<void> {
    this.#waiting = [];
    const cancelled = [...this.#active, ...this.#tearingDown];
    this.#cancelRunning();
    await this.#tornDown(cancelled);
    await this.#gate;
  }

  /**
   * Resolves when every execution has torn down, or at the teardown deadline: one stuck in an
   * await that ignores its signal is abandoned (its output stays fenced off) and logged, so the
   * route, its session and the process never wait on it forever.
   */
  async #tornDown(executions: readonly Execution[]): Promise<void> {
    if (executions.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), this.#host.teardownTimeoutMs);
    });
    const done = Promise.all(executions.map((execution) => execution.finished));
    const outcome = await Promise.race([done, late]);
    clearTimeout(timer);
    if (outcome !== "late") return;
    for (const execution of executions) {
      if (execution.isFinished) continue;
      this.#tearingDown.delete(execution);
      this.#host.log.warn(
        {
          bridge: this.#host.nodeId,
          route: this.description,
          generationId: execution.generationId,
          teardownTimeoutMs: this.#host.teardownTimeoutMs,
        },
        "execution abandoned: still tearing down past its deadline",
      );
    }
  }

  #hold(message: Message): void {
    switch (this.concurrency) {
      case "merge":
      case "concat":
        this.#waiting.push(message);
        return;
      case "switch":
        this.#waiting = [message];
        return;
      case "exhaust":
        if (this.#waiting.length === 0) this.#waiting.push(message);
        return;
    }
  }

  #cancelRunning(): Execution[] {
    const cancelled: Execution[] = [];
    for (const execution of this.#active) {
      if (execution.cancel()) cancelled.push(execution);
      this.#tearingDown.add(execution);
    }
    this.#active.clear();
    return cancelled;
  }

  #cancelAll(rule: ControlRule, message: Message, alwaysRunHandler: boolean): void {
    const held = this.#waiting.length;
    this.#waiting = [];
    const cancelled = this.#cancelRunning();
    if (cancelled.length === 0 && held === 0 && !alwaysRunHandler) return;
    const previous = this.#gate;
    const gate = (async () => {
      await previous;
      await this.#tornDown(cancelled);
      if (rule.handler !== undefined) await this.#runHandler(rule.handler, message);
    })();
    this.#gate = gate;
    void gate.then(() => {
      if (this.#gate !== gate) return;
      this.#gate = undefined;
      this.#releaseHeld();
    });
  }

  #releaseHeld(): void {
    const held = this.#waiting;
    if (held.length === 0 || this.#suspended) return;
    switch (this.concurrency) {
      case "merge":
        this.#waiting = [];
        for (const message of held) this.#start(message);
        return;
      case "switch":
      case "exhaust":
      case "concat": {
        const [first, ...rest] = held;
        this.#waiting = this.concurrency === "concat" ? rest : [];
        if (first !== undefined) this.#start(first);
        return;
      }
    }
  }

  #start(message: Message): void {
    const execution = new Execution(message);
    this.#active.add(execution);
    void this.#run(execution);
  }

  async #run(execution: Execution): Promise<void> {
    try {
      let sink: Sink = terminalSink;
      for (let i = this.steps.length - 1; i >= 0; i--)
        sink = this.steps[i]!.connect(execution, sink);
      const pushed = sink.push(execution.message);
      if (pushed !== undefined) await pushed;
      if (!execution.cancelled) {
        const ended = sink.end();
        if (ended !== undefined) await ended;
      }
    } catch (error) {
      if (execution.cancelled && isAbortError(error)) {
        this.#host.log.debug(
          { route: this.description, generationId: execution.generationId },
          "execution aborted",
        );
      } else {
        this.#host.reportError(this, execution.message, error);
      }
    } finally {
      execution.finish();
      this.#active.delete(execution);
      this.#tearingDown.delete(execution);
      if (this.concurrency === "concat" && this.#gate === undefined && this.#active.size === 0) {
        this.#releaseHeld();
      }
    }
  }

  async #runHandler(handler: ControlHandler, message: Message): Promise<void> {
    try {
      await handler(message as Message<never>);
    } catch (error) {
      this.#host.reportError(this, message, error);
    }
  }

  /** The selector and its `where` clause; a throwing `where` predicate counts as "no" and is reported. */
  #matches(message: Message): boolean {
    try {
      return this.#matcher.matches(message.event);
    } catch (error) {
      this.#host.reportError(this, message, error);
      return false;
    }
  }

  /** Runs a user predicate; a throw counts as "no" and is reported, never propagated into the bus. */
  #guard(message: Message, predicate: () => unknown): boolean {
    try {
      return Boolean(predicate());
    } catch (error) {
      this.#host.reportError(this, message, error);
      return false;
    }
  }
}

/** The alias (or class name) of a message's event, for logs. */
export function describeEvent(message: Message): string {
  return eventAlias(message.event) ?? message.event.constructor.name;
}
