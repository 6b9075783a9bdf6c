import type { OperatorFunction } from "rxjs";
import { SwitchboardError } from "./errors.js";
import type { EventClass } from "./event-registry.js";
import type { AgentGenerationComplete, LogMetric } from "./events.js";
import { compileSelector, type EventSelector } from "./internal/event-selector.js";
import type {
  ConcurrencyMode,
  ControlKind,
  ControlRule,
  Route,
  RouteConfig,
} from "./internal/route.js";
import {
  broadcastStep,
  filterStep,
  mapStep,
  pipeStep,
  streamStep,
  type Step,
  type StepFn,
} from "./internal/steps.js";
import type { Message } from "./message.js";
import type { RouteContext } from "./route-context.js";
import type { RouteOptions, Bridge } from "./bridge.js";

export type { ConcurrencyMode } from "./internal/route.js";

/** What `.stream(fn)` accepts from `fn`: an async iterable, an iterable, a single value, or a promise of one. */
export type StreamSource<R> = AsyncIterable<R> | Iterable<R> | R;

/** The items `.stream()` without a function yields for a value of type `T`. */
export type StreamItem<T> = T extends string
  ? string
  : T extends AsyncIterable<infer U>
    ? U
    : T extends Iterable<infer U>
      ? U
      : T extends PromiseLike<infer P>
        ? StreamItem<P>
        : T;

/**
 * A generation's bookkeeping: its `AgentGenerationComplete` (with its metrics) and any `LogMetric`s
 * (a node's own, or its metrics with `metricEvents: "always"`). A `.map()`,
 * `.filter()`, `.stream()` or `.pipe()` placed after a `.stream()` passes them on untouched and in
 * order (a `.pipe()` after its operators flushed), so a stage sees only the content it transforms;
 * `{ all: true }` hands them to the stage too. A `.stream()`'s items are typed without them.
 */
export type GenerationBookkeeping = AgentGenerationComplete | LogMetric;

/** The options of a `.map()`, `.filter()` or `.stream()` stage. */
export interface StageOptions<A extends boolean = boolean> {
  /** The stage sees the generation's bookkeeping too (and forwards what it wants). Default false. */
  all?: A;
}

/** What a stage receives: the value, or with `{ all: true }` the bookkeeping as well. */
export type StageValue<T, A extends boolean> = A extends true ? T | GenerationBookkeeping : T;

/** Runs when an interrupt, suspend or resume event arrives. */
export type ControlHandler<I extends object> = (message: Message<I>) => unknown;

/** The second argument of `interruptOn`: a handler, or a handler and a filter on the control message. */
export type ControlOptions<I extends object> =
  ControlHandler<I> | { handler?: ControlHandler<I>; filter?: (message: Message<I>) => unknown };

/** Shown by the compiler when `.broadcast()` is called on a value that is not an event. */
export interface NotAnEvent<T> {
  "broadcast() needs an event object or a string: map the value to an event first, or pass an event class": T;
}

/** `broadcast()`'s parameter list: none for events and strings, an impossible one otherwise. */
export type BroadcastArgs<T> = [T] extends [object | string]
  ? []
  : [valueIsNotAnEvent: NotAnEvent<T>];

/**
 * Where a builder is in its route: `"settings"` right after `bridge.on()` (`interruptOn`,
 * `suspendOn`, `resumeOn`, `concurrency`), `"steps"` once a step (`map`, `filter`, `stream`,
 * `pipe`, `broadcast`) was added. Settings are route-wide, so they come first.
 */
export type RoutePhase = "settings" | "steps";

/** Shown by the compiler when a route setting is called after a step. */
export interface SettingsAfterStep {
  "route settings (interruptOn, suspendOn, resumeOn, concurrency) come before the first step: call them right after bridge.on()": never;
}

/** A setting's parameter list: its own in the settings phase, an impossible one after a step. */
export type SettingArgs<P extends RoutePhase, A extends unknown[]> = P extends "settings"
  ? A
  : [settingsComeFirst: SettingsAfterStep, ...rest: unknown[]];

/**
 * The fluent description of a route, as an immutable value: each method returns a new builder
 * typed for the value its step produces, so types follow the value through the chain. A route has
 * one chain: continuing a builder that was already continued throws `ROUTE_CONFIG` (start a second
 * route with `bridge.on()` to branch).
 * @example
 * bridge
 *   .on(UserStoppedSpeaking)
 *   .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
 *   .stream(node.generate)
 *   .broadcast();
 */
export class RouteBuilder<T, E extends object = object, P extends RoutePhase = "steps"> {
  readonly #bridge: Bridge;
  readonly #route: Route;
  readonly #config: RouteConfig;

  /** @internal Builders come from `bridge.on()`. */
  constructor(bridge: Bridge, route: Route, config: RouteConfig) {
    this.#bridge = bridge;
    this.#route = route;
    this.#config = config;
  }

  /**
   * Transforms each value; `fn` may be async (its result is awaited, in order). After a
   * `.stream()`, the generation's bookkeeping passes untouched unless `{ all: true }`.
   * @example bridge.on(UserTranscriptionReceived).map((m) => m.event.content.toUpperCase())
   */
  map<R, A extends boolean = false>(
    fn: (value: StageValue<T, A>, ctx: RouteContext<E>) => R | PromiseLike<R>,
    options?: StageOptions<A>,
  ): RouteBuilder<Awaited<R>, E> {
    return this.#step(mapStep(erase(fn), this.#passesBookkeeping(options)));
  }

  /**
   * Lets through only the values for which `fn` is truthy; a type guard narrows the value. After a
   * `.stream()`, the generation's bookkeeping is kept without asking `fn` unless `{ all: true }`.
   * @example bridge.on("*").map((m) => m.event).filter((e): e is AgentResponse => e instanceof AgentResponse)
   */
  filter<S extends T>(
    fn: (value: T, ctx: RouteContext<E>) => value is S,
    options?: StageOptions<false>,
  ): RouteBuilder<S, E>;
  /** Keeps the values for which `fn` is truthy. */
  filter(
    fn: (value: T, ctx: RouteContext<E>) => unknown,
    options?: StageOptions<false>,
  ): RouteBuilder<T, E>;
  /** With `{ all: true }`, `fn` decides on the generation's bookkeeping too. */
  filter(
    fn: (value: T | GenerationBookkeeping, ctx: RouteContext<E>) => unknown,
    options: StageOptions<true>,
  ): RouteBuilder<T, E>;
  filter(
    fn: (value: never, ctx: RouteContext<E>) => unknown,
    options?: StageOptions,
  ): RouteBuilder<T, E> {
    return this.#step(filterStep(erase(fn), this.#passesBookkeeping(options)));
  }

  /**
   * Streams: each item of what `fn` returns goes through the rest of the route as soon as it is
   * produced; the next is pulled only after the previous has gone through. Without `fn`, the
   * current value is iterated. A string is one item. The items are typed without the generation's
   * bookkeeping (`AgentGenerationComplete`, `LogMetric`): later stages pass it on untouched unless
   * they ask for it with `{ all: true }`, so `.stream(a).stream(b)` hands `b` what `a` yields.
   * @example bridge.on(UserStoppedSpeaking).stream(node.generate).stream(clean).broadcast()
   */
  stream(): RouteBuilder<Exclude<StreamItem<T>, GenerationBookkeeping>, E>;
  stream<R, A extends boolean = false>(
    fn: (
      value: StageValue<T, A>,
      ctx: RouteContext<E>,
    ) => StreamSource<R> | PromiseLike<StreamSource<R>>,
    options?: StageOptions<A>,
  ): RouteBuilder<Exclude<R, GenerationBookkeeping>, E>;
  stream<R>(
    fn?: (value: never, ctx: RouteContext<E>) => unknown,
    options?: StageOptions,
  ): RouteBuilder<R, E> {
    const pass = this.#passesBookkeeping(options);
    return this.#step(streamStep(fn === undefined ? undefined : erase(fn), pass));
  }

  /**
   * Applies RxJS operators to the values of one generation. They complete (and flush) when the
   * generation ends, and are unsubscribed (dropping what they hold) when it is cancelled.
   * @example bridge.on(UserStoppedSpeaking).stream(node.generate).pipe(bufferSentences()).broadcast()
   */
  pipe(): RouteBuilder<T, E>;
  pipe<A>(op1: OperatorFunction<T, A>): RouteBuilder<A, E>;
  pipe<A, B>(op1: OperatorFunction<T, A>, op2: OperatorFunction<A, B>): RouteBuilder<B, E>;
  pipe<A, B, C>(
    op1: OperatorFunction<T, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
  ): RouteBuilder<C, E>;
  pipe<A, B, C, D>(
    op1: OperatorFunction<T, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
  ): RouteBuilder<D, E>;
  pipe<A, B, C, D, F>(
    op1: OperatorFunction<T, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
    op5: OperatorFunction<D, F>,
  ): RouteBuilder<F, E>;
  pipe<R>(...operators: OperatorFunction<never, unknown>[]): RouteBuilder<R, E> {
    const ops = operators as unknown as OperatorFunction<unknown, unknown>[];
    return this.#step(pipeStep(ops, this.#passesBookkeeping(undefined)));
  }

  /**
   * Publishes each value on the bus with the bridge's node id as source and the generation's
   * `generationId`. Without a class the value must be an event (a string becomes an
   * `AgentResponse`); with a class, `new EventClass(value)` is published.
   * @example bridge.on(UserTranscriptionReceived).map((m) => ({ content: m.event.content })).broadcast(AgentResponse)
   */
  broadcast<C extends new (init: T) => object>(eventClass: C): RouteBuilder<T, E>;
  broadcast(...args: BroadcastArgs<T>): RouteBuilder<T, E>;
  broadcast(eventClass?: unknown): RouteBuilder<T, E> {
    const cls = eventClass as (new (init: never) => object) | undefined;
    if (cls !== undefined && typeof cls !== "function") {
      throw new SwitchboardError("ROUTE_CONFIG", "broadcast() takes an event class or nothing");
    }
    return this.#step(broadcastStep(this.#bridge.outbox, cls));
  }

  /**
   * When `event` arrives, cancels every running or waiting generation of this route at once;
   * once they have all torn down, runs `handler(message)` (only if something was cancelled).
   * Triggers that arrive meanwhile start after the handler. A route setting: call it before the
   * first step.
   * @example bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
   */
  interruptOn<I extends object>(
    ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
  ): RouteBuilder<T, E, "settings"> {
    return this.#control("interrupt", args);
  }

  /**
   * When `event` arrives, cancels running generations and ignores triggers until resumed; the
   * handler runs after teardown. A route setting: call it before the first step.
   * @example bridge.on(UserStoppedSpeaking).suspendOn(AgentHandoff).resumeOn(Authorize)
   */
  suspendOn<I extends object>(
    ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
  ): RouteBuilder<T, E, "settings"> {
    return this.#control("suspend", args);
  }

  /**
   * When `event` arrives, a suspended route accepts triggers again; then `handler` runs. A route
   * setting: call it before the first step.
   * @example bridge.on(UserStoppedSpeaking).suspendOn(AgentStartedSpeaking).resumeOn(AgentStoppedSpeaking)
   */
  resumeOn<I extends object>(
    ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
  ): RouteBuilder<T, E, "settings"> {
    return this.#control("resume", args);
  }

  /**
   * What a new trigger does while a generation runs: `"merge"` (default) runs both, `"switch"`
   * cancels the running one and starts the new one once it has torn down, `"concat"` queues,
   * `"exhaust"` ignores the new trigger. A route setting: call it before the first step.
   * @example bridge.on(UserStoppedSpeaking).concurrency("switch").stream(node.generate).broadcast()
   */
  concurrency(...args: SettingArgs<P, [mode: ConcurrencyMode]>): RouteBuilder<T, E, "settings"> {
    const mode = args[0] as ConcurrencyMode;
    if (!["merge", "switch", "concat", "exhaust"].includes(mode)) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `concurrency() takes "merge", "switch", "concat" or "exhaust", not ${String(mode)}`,
      );
    }
    return this.#next({ ...this.#config, concurrency: mode });
  }

  // Line's names work at run time on every builder, so a ported app runs as it is; their types
  // come with `import "@switchboard/core/line"`, which keeps one name per thing in completion.
  static {
    // `this`, not the class name: tsc emits an alias for the name that is unset in a static block.
    const proto = this.prototype as unknown as Record<string, unknown>;
    const alias = (name: string, fn: unknown) =>
      Object.defineProperty(proto, name, { value: fn, writable: true, configurable: true });
    alias("interrupt_on", proto["interruptOn"]);
    alias("suspend_on", proto["suspendOn"]);
    alias("resume_on", proto["resumeOn"]);
    alias(
      "on",
      function on(
        this: RouteBuilder<unknown>,
        event: EventSelector,
        options?: RouteOptions<object>,
      ) {
        return this.#bridge.on(event as string, options);
      },
    );
  }

  /** A stage after a `.stream()` passes the generation's bookkeeping unless it asks for all. */
  #passesBookkeeping(options: StageOptions | undefined): boolean {
    return options?.all !== true && this.#config.steps.some((step) => step.kind === "stream");
  }

  #step<R>(step: Step): RouteBuilder<R, E> {
    return this.#next({ ...this.#config, steps: append(this.#config.steps, step) });
  }

  #next<R, Q extends RoutePhase>(config: RouteConfig): RouteBuilder<R, E, Q> {
    if (!this.#route.configure(this.#config, config)) {
      const on = this.#route.description;
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `this builder of the route on ${on} was already continued: a route is one chain of steps. ` +
          `To branch, start a second route with bridge.on(${on}) (each route runs on every trigger), ` +
          `or keep chaining from the latest builder`,
      );
    }
    return new RouteBuilder<R, E, Q>(this.#bridge, this.#route, config);
  }

  #control<Q extends RoutePhase>(kind: ControlKind, args: unknown[]): RouteBuilder<T, E, Q> {
    const [event, options] = args as [EventClass | string, ControlOptions<object> | undefined];
    const matcher = compileSelector(event);
    if (this.#config.controls.some((rule) => rule.kind === kind && rule.selector === event)) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `${kind}On(${matcher.description}) is already registered on the route for ${this.#route.description}`,
      );
    }
    const { handler, filter } =
      typeof options === "function" ? { handler: options, filter: undefined } : (options ?? {});
    const rule: ControlRule = {
      kind,
      selector: event,
      matcher,
      handler: handler,
      filter: filter,
    };
    return this.#next({ ...this.#config, controls: append(this.#config.controls, rule) });
  }
}

/**
 * `list` and `item` in a new array of exactly their length. An array literal with a spread
 * reserves 17 slots for one item and a route keeps its arrays for the whole call: with ten routes
 * a session, that is over a kilobyte each.
 */
function append<T>(list: readonly T[], item: T): readonly T[] {
  return Array.of(...list, item);
}

/** Steps are typed at the builder; inside the engine they all take (unknown, Execution). */
function erase<F extends (value: never, ctx: never) => unknown>(fn: F): StepFn {
  return fn as unknown as StepFn;
}
