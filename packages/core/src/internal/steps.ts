import { Subject, Subscription, type Observable, type OperatorFunction } from "rxjs";
import { SwitchboardError } from "../errors.js";
import { AgentGenerationComplete, AgentResponse, LogMetric } from "../events.js";
import { Message } from "../message.js";
import { CANCELLED, type Generation } from "./generation.js";
import { chunkInterruptible } from "./chunk-interruptible.js";
import { isThenable } from "./is-thenable.js";
import { SKIP, takePullThrough, type PullThrough } from "./pull-through.js";
import type { Outbox } from "./outbox.js";

/**
 * The receiving end of one step inside one generation. `push` returns a promise only when the
 * value is still on its way (an async step downstream): the caller waits for it before pushing
 * the next value, which is how back-pressure reaches the generator.
 */
export interface Sink {
  push(value: unknown): PushResult;
  /** The upstream ended normally: flush what is held, then end downstream. */
  end(): void | PromiseLike<void>;
}

/**
 * What a sink's `push` may answer besides "done": {@link STOP}, when it wants no more values
 * (an operator in `.pipe()` completed early). Every step passes it upstream, and the stream step
 * that receives it closes its generator, so the generation's upstream ends at once.
 */
const STOP: unique symbol = Symbol("stop");

/** `push`'s result: undefined when the value went through, a promise while it is on its way. */
type PushResult = void | typeof STOP | PromiseLike<void | typeof STOP>;

export type StepKind = "map" | "filter" | "stream" | "pipe" | "broadcast";

/** A route step as configured on the builder; `connect` instantiates it for one generation. */
export interface Step {
  readonly kind: StepKind;
  /** The step function's name, when it has one (for `bus.describe()`). */
  readonly name: string | undefined;
  connect(generation: Generation, next: Sink): Sink;
}

export type StepFn = (value: unknown, ctx: Generation) => unknown;

/**
 * A generation's bookkeeping (its `AgentGenerationComplete`, its `LogMetric`s): a stage placed
 * after a `.stream()` passes it on untouched, in order, unless it asked for every value.
 */
function isBookkeeping(value: unknown): boolean {
  return value instanceof AgentGenerationComplete || value instanceof LogMetric;
}

export const terminalSink: Sink = { push() {}, end() {} };

/** Continues `next` with the resolved value of `pending`, unless the generation was cancelled meanwhile. */
async function afterAwait(
  generation: Generation,
  pending: PromiseLike<unknown>,
  then: (value: unknown) => PushResult,
): Promise<void | typeof STOP> {
  const value = await generation.race(pending);
  if (value === CANCELLED || generation.cancelled) return;
  return await then(value);
}

/**
 * A step's sink in one generation: bookkeeping passes (when asked), `fn` runs, and what it
 * returned — awaited if it is a promise, unless the generation is cancelled meanwhile — goes to
 * `continue`. Sinks are classes, not object literals with closures: one is connected per step per
 * trigger (a map route connects one per message), and an instance with its methods on the
 * prototype is one small object.
 */
abstract class StepSink implements Sink {
  constructor(
    protected readonly fn: StepFn,
    protected readonly passBookkeeping: boolean,
    protected readonly generation: Generation,
    protected readonly next: Sink,
  ) {}

  push(value: unknown): PushResult {
    if (this.passBookkeeping && isBookkeeping(value)) return this.next.push(value);
    const result = this.fn(value, this.generation);
    if (isThenable(result)) {
      return afterAwait(this.generation, result, (resolved) => this.continue(value, resolved));
    }
    return this.continue(value, result);
  }

  /** What the step does with `fn`'s result for `value`. */
  protected abstract continue(value: unknown, result: unknown): PushResult;

  end(): void | PromiseLike<void> {
    return this.next.end();
  }
}

class MapSink extends StepSink {
  protected continue(_value: unknown, mapped: unknown): PushResult {
    return this.next.push(mapped);
  }
}

/** `.map(fn)`; with `passBookkeeping`, bookkeeping values skip `fn`. */
export function mapStep(fn: StepFn, passBookkeeping = false): Step {
  return {
    kind: "map",
    name: nameOf(fn),
    connect: (generation, next) => new MapSink(fn, passBookkeeping, generation, next),
  };
}

class FilterSink extends StepSink {
  protected continue(value: unknown, keep: unknown): PushResult {
    return keep ? this.next.push(value) : undefined;
  }
}

/** `.filter(fn)`; with `passBookkeeping`, bookkeeping values skip `fn` and are kept. */
export function filterStep(fn: StepFn, passBookkeeping = false): Step {
  return {
    kind: "filter",
    name: nameOf(fn),
    connect: (generation, next) => new FilterSink(fn, passBookkeeping, generation, next),
  };
}

/** The items of the value itself: `.stream()` without a function. */
function itself(value: unknown): unknown {
  return value;
}

class StreamSink extends StepSink {
  protected continue(_value: unknown, source: unknown): PushResult {
    return pushItems(this.generation, source, this.next);
  }
}

/**
 * `.stream(fn?)`: every item of what `fn` returns flows through the rest of the route, one at a
 * time; with `passBookkeeping`, bookkeeping values skip `fn`.
 */
export function streamStep(fn: StepFn | undefined, passBookkeeping = false): Step {
  const produce = fn ?? itself;
  return {
    kind: "stream",
    name: nameOf(fn),
    connect: (generation, next) => new StreamSink(produce, passBookkeeping, generation, next),
  };
}

function pushItems(generation: Generation, source: unknown, next: Sink): PushResult {
  if (typeof source === "string" || source === null || typeof source !== "object") {
    return next.push(source);
  }
  const through = takePullThrough(source);
  if (through !== undefined) return pumpThrough(generation, through, next);
  if (Symbol.asyncIterator in source) {
    return pumpAsync(generation, (source as AsyncIterable<unknown>)[Symbol.asyncIterator](), next);
  }
  if (Symbol.iterator in source) {
    return pumpSync(generation, (source as Iterable<unknown>)[Symbol.iterator](), next);
  }
  return next.push(source);
}

async function pumpAsync(
  generation: Generation,
  iterator: AsyncIterator<unknown>,
  next: Sink,
): Promise<void | typeof STOP> {
  // A cancel must not wait for a pending `next()`. An async generator's `return()` waits for it
  // anyway (its closing below), so racing each `next()` buys nothing there and costs a promise
  // and three closures per value; any other iterator's `next()` is raced, its `return()` may not wait.
  const raced = !isAsyncGenerator(iterator);
  let exhausted = false;
  try {
    for (;;) {
      let step: IteratorResult<unknown> | typeof CANCELLED;
      try {
        step = raced ? await generation.race(iterator.next()) : await iterator.next();
      } catch (error) {
        exhausted = true; // a generator that threw is already closed
        // What a cancelled generator throws on its way out is what a race would have ignored.
        if (!raced && generation.cancelled) return;
        throw error;
      }
      if (step === CANCELLED) return;
      if (step.done === true) {
        exhausted = true;
        return;
      }
      // A generator that ignores its signal still stops here: the value is stale, drop it.
      if (generation.cancelled) return;
      const pushed = next.push(step.value);
      // Downstream wants no more (an operator completed early): close the generator, pass it on.
      if ((isThenable(pushed) ? await pushed : pushed) === STOP) return STOP;
      if (generation.cancelled) return;
    }
  } finally {
    // Close the generator so its `finally` runs. For a generator parked in an `await`, return()
    // runs once that await settles: immediately if the producer honours `signal`.
    if (!exhausted) await iterator.return?.();
  }
}

/**
 * Pumps a {@link PullThrough} (`ReasoningNode.generate`): its source is pulled here and its stages
 * run in between, so an item reaches `next` in one async hop, not through a second generator.
 * Cancellation and closing as in `pumpAsync`; the stages are closed last, whatever the end.
 */
async function pumpThrough(
  generation: Generation,
  through: PullThrough<unknown, unknown>,
  next: Sink,
): Promise<void | typeof STOP> {
  let iterator: AsyncIterator<unknown>;
  try {
    iterator = through.open();
  } catch (error) {
    try {
      through.failed(error);
    } finally {
      through.close();
    }
    throw error;
  }
  const raced = !isAsyncGenerator(iterator);
  let sourceOpen = true;
  try {
    for (;;) {
      let step: IteratorResult<unknown> | typeof CANCELLED;
      try {
        step = raced ? await generation.race(iterator.next()) : await iterator.next();
      } catch (error) {
        sourceOpen = false; // a source that threw is closed
        through.failed(error);
        if (!raced && generation.cancelled) return;
        throw error;
      }
      if (step === CANCELLED) return;
      if (step.done === true) {
        sourceOpen = false;
        break;
      }
      if (generation.cancelled) return;
      const value = through.item(step.value);
      if (value === SKIP) continue;
      const pushed = next.push(value);
      if ((isThenable(pushed) ? await pushed : pushed) === STOP) return STOP;
      if (generation.cancelled) return;
      through.delivered();
    }
    for (let value = through.trailing(); value !== undefined; value = through.trailing()) {
      const pushed = next.push(value);
      if ((isThenable(pushed) ? await pushed : pushed) === STOP) return STOP;
      if (generation.cancelled) return;
      through.delivered();
    }
  } finally {
    // With the source done, the stages close now, in the same turn as the last value went through
    // (as a generator's `finally` runs inside the `next()` that resumes it): a cancel that comes
    // after a completed generation must not find it still open.
    if (sourceOpen) await closeThrough(through, iterator);
    else through.close();
  }
}

/** Closes a pumped {@link PullThrough} whose source is still open: the source first, then its stages. */
async function closeThrough(
  through: PullThrough<unknown, unknown>,
  source: AsyncIterator<unknown>,
): Promise<void> {
  try {
    await source.return?.();
  } catch (error) {
    through.failed(error);
    throw error;
  } finally {
    through.close();
  }
}

/** The prototype every async generator object inherits from. */
const ASYNC_GENERATOR_PROTOTYPE: unknown = Object.getPrototypeOf(
  Object.getPrototypeOf((async function* () {})()),
);

/** A native async generator object (its `return()` is the built-in one, which waits for a pending `next()`). */
function isAsyncGenerator(iterator: AsyncIterator<unknown>): boolean {
  return (
    Object.getPrototypeOf(Object.getPrototypeOf(iterator)) === ASYNC_GENERATOR_PROTOTYPE &&
    iterator.return === (ASYNC_GENERATOR_PROTOTYPE as AsyncIterator<unknown>).return
  );
}

function pumpSync(generation: Generation, iterator: Iterator<unknown>, next: Sink): PushResult {
  for (;;) {
    if (generation.cancelled) {
      iterator.return?.();
      return;
    }
    const step = iterator.next();
    if (step.done === true) return;
    let pushed: PushResult;
    try {
      pushed = next.push(step.value);
    } catch (error) {
      iterator.return?.();
      throw error;
    }
    if (pushed === STOP) {
      iterator.return?.();
      return STOP;
    }
    if (isThenable(pushed)) {
      return Promise.resolve(pushed).then((result) => {
        if (result !== STOP) return pumpSync(generation, iterator, next);
        iterator.return?.();
        return STOP;
      });
    }
  }
}

/**
 * `.pipe(...operators)`: the generation's values go through RxJS operators. Completing the
 * subject on a normal end lets buffering operators flush; a cancel unsubscribes instead, so
 * whatever they hold is dropped and their timers are cleared. With `passBookkeeping`, bookkeeping
 * values skip the operators: they are held and go on, in order, after the operators flushed.
 */
export function pipeStep(
  operators: readonly OperatorFunction<unknown, unknown>[],
  passBookkeeping = false,
): Step {
  const operator = (source: Observable<unknown>) =>
    operators.reduce((observable, op) => op(observable), source);
  return {
    kind: "pipe",
    name: undefined,
    connect(generation, next) {
      const input = new Subject<unknown>();
      let tail: Promise<unknown> | undefined;
      /** The operators completed before the input did (`take`, `first`, …): upstream must stop. */
      let completedEarly = false;
      let ended = false;
      let failure: { error: unknown } | undefined;
      // Created first so a failure during subscribe() can already close it.
      const subscription = new Subscription();
      let resolveComplete!: () => void;
      const completed = new Promise<void>((resolve) => (resolveComplete = resolve));
      // A throw downstream must end this generation as a route error. Left inside the subscriber,
      // RxJS would rethrow it asynchronously as an uncaught exception.
      const fail = (error: unknown) => {
        failure ??= { error };
        subscription.unsubscribe();
        resolveComplete();
      };
      const stopIfAsked = (result: unknown) => {
        if (result === STOP) completedEarly = true;
      };
      const chain = (pending: PromiseLike<unknown>) => {
        const settled = Promise.resolve(pending);
        settled.catch(fail);
        tail = settled;
      };
      const forward = (value: unknown) => {
        if (generation.cancelled || failure !== undefined) return;
        if (tail !== undefined) {
          chain(
            tail
              .then(() =>
                generation.cancelled || failure !== undefined ? undefined : next.push(value),
              )
              .then(stopIfAsked),
          );
          return;
        }
        try {
          const pushed = next.push(value);
          // A later pipe that completed early stops this one's upstream too.
          if (pushed === STOP) completedEarly = true;
          else if (isThenable(pushed)) chain(Promise.resolve(pushed).then(stopIfAsked));
        } catch (error) {
          fail(error);
        }
      };
      subscription.add(
        operator(input).subscribe({
          next: forward,
          error: fail,
          complete: () => {
            if (!ended) completedEarly = true;
            resolveComplete();
          },
        }),
      );
      generation.onTeardown(() => {
        subscription.unsubscribe();
        resolveComplete();
      });
      const check = () => {
        if (failure !== undefined) throw failure.error;
      };
      /** Bookkeeping values held until the operators flushed (only with `passBookkeeping`). */
      let held: unknown[] | undefined;
      return {
        push(value) {
          check();
          if (completedEarly) return STOP;
          if (passBookkeeping && isBookkeeping(value)) {
            (held ??= []).push(value);
            return tail as PromiseLike<void> | undefined;
          }
          input.next(value);
          check();
          if (!completedEarly) return tail as PromiseLike<void> | undefined;
          // The value that completed it still goes through; then nothing more is wanted.
          return tail === undefined ? STOP : tail.then(() => STOP);
        },
        async end() {
          check();
          ended = true;
          input.complete();
          await completed;
          check();
          if (tail !== undefined) await tail;
          check();
          if (held !== undefined) {
            for (const value of held) {
              if (generation.cancelled) return;
              await next.push(value);
            }
          }
          if (!generation.cancelled) await next.end();
        },
      };
    },
  };
}

/**
 * `.broadcast(eventClass?)`: publishes each value through the bridge's outbox as an event of the
 * generation, then passes it on.
 */
export function broadcastStep(
  outbox: Outbox,
  eventClass: (new (init: never) => object) | undefined,
): Step {
  return {
    kind: "broadcast",
    name: eventClass?.name,
    connect: (generation, next) => new BroadcastSink(outbox, eventClass, generation, next),
  };
}

class BroadcastSink implements Sink {
  constructor(
    private readonly outbox: Outbox,
    private readonly eventClass: (new (init: never) => object) | undefined,
    private readonly generation: Generation,
    private readonly next: Sink,
  ) {}

  push(value: unknown): PushResult {
    const { generation, next } = this;
    // An interrupt during a run of uninterruptible chunks takes effect at the first chunk
    // after it, which is then dropped.
    const interruptible = chunkInterruptible(value);
    if (interruptible === false) generation.shield("segment");
    else if (interruptible === true) generation.unshield();
    if (generation.cancelled) return;
    const published = this.outbox.publish(toEvent(value, this.eventClass), generation);
    if (published !== undefined) {
      return afterAwait(generation, published, () => next.push(value));
    }
    return next.push(value);
  }

  end(): void | PromiseLike<void> {
    return this.next.end();
  }
}

/** What `.broadcast()` publishes for a value: `new eventClass(value)`, a string as `AgentResponse`. */
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

/** A function's own name; anonymous arrows get none (an inferred "" or the property name is kept). */
function nameOf(fn: StepFn | undefined): string | undefined {
  return fn === undefined || fn.name === "" ? undefined : fn.name;
}
