import type { OperatorFunction } from "rxjs";
import { SwitchboardError } from "./errors.js";
import type { EventClass } from "./event-registry.js";
import { compileSelector, type EventSelector } from "./internal/event-selector.js";
import type { Execution } from "./internal/execution.js";
import type { ConcurrencyMode, ControlKind, Route } from "./internal/route.js";
import {
  broadcastStep,
  filterStep,
  mapStep,
  pipeStep,
  streamStep,
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

/** @internal How a builder reaches the route and bridge it configures. */
export interface RouteWiring {
  readonly route: Route;
  readonly bridge: Bridge;
  publish(
    execution: Execution,
    value: unknown,
    eventClass: (new (init: never) => object) | undefined,
  ): void | PromiseLike<void>;
}

/**
 * The fluent description of a route. Each method adds a step and returns a builder typed for
 * the value that step produces, so types follow the value through the chain.
 * @example
 * bridge
 *   .on(UserStoppedSpeaking)
 *   .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
 *   .stream(node.generate)
 *   .broadcast();
 */
export class RouteBuilder<T, E extends object = object> {
  readonly #wiring: RouteWiring;

  /** @internal Builders come from `bridge.on()`. */
  constructor(wiring: RouteWiring) {
    this.#wiring = wiring;
  }

  /**
   * Transforms each value; `fn` may be async (its result is awaited, in order).
   * @example bridge.on(UserTranscriptionReceived).map((m) => m.event.content.toUpperCase())
   */
  map<R>(fn: (value: T, ctx: RouteContext<E>) => R | PromiseLike<R>): RouteBuilder<Awaited<R>, E> {
    return this.#add(mapStep(erase(fn)));
  }

  /**
   * Lets through only the values for which `fn` is truthy; a type guard narrows the value.
   * @example bridge.on("*").map((m) => m.event).filter((e): e is AgentResponse => e instanceof AgentResponse)
   */
  filter<S extends T>(fn: (value: T, ctx: RouteContext<E>) => value is S): RouteBuilder<S, E>;
  filter(fn: (value: T, ctx: RouteContext<E>) => unknown): RouteBuilder<T, E>;
  filter(fn: (value: T, ctx: RouteContext<E>) => unknown): RouteBuilder<T, E> {
    return this.#add(filterStep(erase(fn)));
  }

  /**
   * Streams: each item of what `fn` returns goes through the rest of the route as soon as it is
   * produced; the next is pulled only after the previous has gone through. Without `fn`, the
   * current value is iterated. A string is one item.
   * @example bridge.on(UserStoppedSpeaking).stream(node.generate).broadcast()
   */
  stream(): RouteBuilder<StreamItem<T>, E>;
  stream<R>(
    fn: (value: T, ctx: RouteContext<E>) => StreamSource<R> | PromiseLike<StreamSource<R>>,
  ): RouteBuilder<R, E>;
  stream<R>(fn?: (value: T, ctx: RouteContext<E>) => unknown): RouteBuilder<R, E> {
    return this.#add(streamStep(fn === undefined ? undefined : erase(fn)));
  }

  /**
   * Applies RxJS operators to the values of one execution. They complete (and flush) when the
   * execution ends, and are unsubscribed (dropping what they hold) when it is cancelled.
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
    return this.#add(pipeStep(operators as unknown as OperatorFunction<unknown, unknown>[]));
  }

  /**
   * Publishes each value on the bus with the bridge's node id as source and the execution's
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
    return this.#add(
      broadcastStep((execution, value) => this.#wiring.publish(execution, value, cls)),
    );
  }

  /**
   * When `event` arrives, cancels every running or waiting execution of this route at once;
   * once they have all torn down, runs `handler(message)` (only if something was cancelled).
   * Triggers that arrive meanwhile start after the handler.
   * @example bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
   */
  interruptOn<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.#control("interrupt", event, options);
  }

  /**
   * When `event` arrives, cancels running executions and ignores triggers until resumed; the
   * handler runs after teardown.
   * @example bridge.on(UserStoppedSpeaking).suspendOn(AgentHandoff).resumeOn(Authorize)
   */
  suspendOn<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.#control("suspend", event, options);
  }

  /**
   * When `event` arrives, a suspended route accepts triggers again; then `handler` runs.
   * @example route.suspendOn(AgentStartedSpeaking).resumeOn(AgentStoppedSpeaking)
   */
  resumeOn<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.#control("resume", event, options);
  }

  /** Line's name for {@link RouteBuilder.interruptOn}. */
  interrupt_on<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.interruptOn(event, options);
  }

  /** Line's name for {@link RouteBuilder.suspendOn}. */
  suspend_on<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.suspendOn(event, options);
  }

  /** Line's name for {@link RouteBuilder.resumeOn}. */
  resume_on<I extends object>(
    event: EventClass<I> | string,
    options?: ControlOptions<I>,
  ): RouteBuilder<T, E> {
    return this.resumeOn(event, options);
  }

  /**
   * What a new trigger does while an execution runs: `"merge"` (default) runs both, `"switch"`
   * cancels the running one, `"concat"` queues, `"exhaust"` ignores the new trigger.
   * @example bridge.on(UserStoppedSpeaking).concurrency("switch").stream(node.generate).broadcast()
   */
  concurrency(mode: ConcurrencyMode): RouteBuilder<T, E> {
    this.#wiring.route.concurrency = mode;
    return this;
  }

  /**
   * Starts another route on the same bridge (Line-style chaining).
   * @example bridge.on(A).map(f).on(B).map(g)
   */
  on<N extends object>(
    event: EventClass<N>,
    options?: RouteOptions<N>,
  ): RouteBuilder<Message<N>, N>;
  on(event: string, options?: RouteOptions<object>): RouteBuilder<Message, object>;
  on(event: EventSelector, options?: RouteOptions<object>): RouteBuilder<Message, object> {
    return this.#wiring.bridge.on(event as string, options);
  }

  #add<R>(step: Parameters<Route["steps"]["push"]>[0]): RouteBuilder<R, E> {
    this.#wiring.route.steps.push(step);
    return this as unknown as RouteBuilder<R, E>;
  }

  #control<I extends object>(
    kind: ControlKind,
    event: EventClass<I> | string,
    options: ControlOptions<I> | undefined,
  ): RouteBuilder<T, E> {
    const matcher = compileSelector(event);
    const route = this.#wiring.route;
    if (route.controls.some((rule) => rule.kind === kind && rule.selector === event)) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `${kind}On(${matcher.description}) is already registered on the route for ${route.description}`,
      );
    }
    const { handler, filter } =
      typeof options === "function" ? { handler: options, filter: undefined } : (options ?? {});
    route.controls.push({
      kind,
      selector: event,
      matcher,
      handler: handler,
      filter: filter,
    });
    return this;
  }
}

/** Steps are typed at the builder; inside the engine they all take (unknown, Execution). */
function erase<F extends (value: never, ctx: never) => unknown>(fn: F): StepFn {
  return fn as unknown as StepFn;
}
