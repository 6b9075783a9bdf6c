import { Subject, Subscription, type Observable, type OperatorFunction } from "rxjs";
import { CANCELLED, type Execution } from "./execution.js";
import { chunkInterruptible } from "./chunk-interruptible.js";
import { isThenable } from "./is-thenable.js";

/**
 * The receiving end of one step inside one execution. `push` returns a promise only when the
 * value is still on its way (an async step downstream): the caller waits for it before pushing
 * the next value, which is how back-pressure reaches the generator.
 */
export interface Sink {
  push(value: unknown): void | PromiseLike<void>;
  /** The upstream ended normally: flush what is held, then end downstream. */
  end(): void | PromiseLike<void>;
}

/** A route step as configured on the builder; `connect` instantiates it for one execution. */
export interface Step {
  connect(execution: Execution, next: Sink): Sink;
}

export type StepFn = (value: unknown, ctx: Execution) => unknown;

export const terminalSink: Sink = { push() {}, end() {} };

function endNext(next: Sink): () => void | PromiseLike<void> {
  return () => next.end();
}

/** Continues `next` with the resolved value of `pending`, unless the execution was cancelled meanwhile. */
async function afterAwait(
  execution: Execution,
  pending: PromiseLike<unknown>,
  then: (value: unknown) => void | PromiseLike<void>,
): Promise<void> {
  const value = await execution.race(pending);
  if (value === CANCELLED || execution.cancelled) return;
  await then(value);
}

/** `.map(fn)` */
export function mapStep(fn: StepFn): Step {
  return {
    connect(execution, next) {
      // No closure per connect: most map routes are synchronous, and one is connected per trigger.
      return {
        push(value) {
          const result = fn(value, execution);
          return isThenable(result)
            ? afterAwait(execution, result, (resolved) => next.push(resolved))
            : next.push(result);
        },
        end: endNext(next),
      };
    },
  };
}

/** `.filter(fn)` */
export function filterStep(fn: StepFn): Step {
  return {
    connect(execution, next) {
      return {
        push(value) {
          const keep = fn(value, execution);
          if (isThenable(keep)) {
            return afterAwait(execution, keep, (k) => (k ? next.push(value) : undefined));
          }
          return keep ? next.push(value) : undefined;
        },
        end: endNext(next),
      };
    },
  };
}

/** `.stream(fn?)`: every item of what `fn` returns flows through the rest of the route, one at a time. */
export function streamStep(fn: StepFn | undefined): Step {
  return {
    connect(execution, next) {
      return {
        push(value) {
          const source = fn === undefined ? value : fn(value, execution);
          if (isThenable(source)) {
            return afterAwait(execution, source, (resolved) =>
              pushItems(execution, resolved, next),
            );
          }
          return pushItems(execution, source, next);
        },
        end: endNext(next),
      };
    },
  };
}

function pushItems(execution: Execution, source: unknown, next: Sink): void | PromiseLike<void> {
  if (typeof source === "string" || source === null || typeof source !== "object") {
    return next.push(source);
  }
  if (Symbol.asyncIterator in source) {
    return pumpAsync(execution, (source as AsyncIterable<unknown>)[Symbol.asyncIterator](), next);
  }
  if (Symbol.iterator in source) {
    return pumpSync(execution, (source as Iterable<unknown>)[Symbol.iterator](), next);
  }
  return next.push(source);
}

async function pumpAsync(
  execution: Execution,
  iterator: AsyncIterator<unknown>,
  next: Sink,
): Promise<void> {
  let exhausted = false;
  try {
    for (;;) {
      let step: IteratorResult<unknown> | typeof CANCELLED;
      try {
        step = await execution.race(iterator.next());
      } catch (error) {
        exhausted = true; // a generator that threw is already closed
        throw error;
      }
      if (step === CANCELLED) return;
      if (step.done === true) {
        exhausted = true;
        return;
      }
      // A generator that ignores its signal still stops here: the value is stale, drop it.
      if (execution.cancelled) return;
      const pending = next.push(step.value);
      if (pending !== undefined) await pending;
      if (execution.cancelled) return;
    }
  } finally {
    // Close the generator so its `finally` runs. For a generator parked in an `await`, return()
    // runs once that await settles: immediately if the producer honours `signal`.
    if (!exhausted) await iterator.return?.();
  }
}

function pumpSync(
  execution: Execution,
  iterator: Iterator<unknown>,
  next: Sink,
): void | PromiseLike<void> {
  for (;;) {
    if (execution.cancelled) {
      iterator.return?.();
      return;
    }
    const step = iterator.next();
    if (step.done === true) return;
    let pending: void | PromiseLike<void>;
    try {
      pending = next.push(step.value);
    } catch (error) {
      iterator.return?.();
      throw error;
    }
    if (pending !== undefined) {
      return Promise.resolve(pending).then(() => pumpSync(execution, iterator, next));
    }
  }
}

/**
 * `.pipe(...operators)`: the execution's values go through RxJS operators. Completing the
 * subject on a normal end lets buffering operators flush; a cancel unsubscribes instead, so
 * whatever they hold is dropped and their timers are cleared.
 */
export function pipeStep(operators: readonly OperatorFunction<unknown, unknown>[]): Step {
  const operator = (source: Observable<unknown>) =>
    operators.reduce((observable, op) => op(observable), source);
  return {
    connect(execution, next) {
      const input = new Subject<unknown>();
      let tail: Promise<void> | undefined;
      let failure: { error: unknown } | undefined;
      // Created first so a failure during subscribe() can already close it.
      const subscription = new Subscription();
      let resolveComplete!: () => void;
      const completed = new Promise<void>((resolve) => (resolveComplete = resolve));
      // A throw downstream must end this execution as a route error. Left inside the subscriber,
      // RxJS would rethrow it asynchronously as an uncaught exception.
      const fail = (error: unknown) => {
        failure ??= { error };
        subscription.unsubscribe();
        resolveComplete();
      };
      const chain = (pending: PromiseLike<void>) => {
        const settled = Promise.resolve(pending);
        settled.catch(fail);
        tail = settled;
      };
      const forward = (value: unknown) => {
        if (execution.cancelled || failure !== undefined) return;
        if (tail !== undefined) {
          chain(
            tail.then(() =>
              execution.cancelled || failure !== undefined ? undefined : next.push(value),
            ),
          );
          return;
        }
        try {
          const pending = next.push(value);
          if (pending !== undefined) chain(pending);
        } catch (error) {
          fail(error);
        }
      };
      subscription.add(
        operator(input).subscribe({ next: forward, error: fail, complete: resolveComplete }),
      );
      execution.onTeardown(() => {
        subscription.unsubscribe();
        resolveComplete();
      });
      const check = () => {
        if (failure !== undefined) throw failure.error;
      };
      return {
        push(value) {
          check();
          input.next(value);
          check();
          return tail;
        },
        async end() {
          check();
          input.complete();
          await completed;
          check();
          if (tail !== undefined) await tail;
          check();
          if (!execution.cancelled) await next.end();
        },
      };
    },
  };
}

/** `.broadcast()`: hands each value to `publish` (the bus), then passes it on. */
export function broadcastStep(
  publish: (execution: Execution, value: unknown) => void | PromiseLike<void>,
): Step {
  return {
    connect(execution, next) {
      return {
        push(value) {
          // An interrupt during a run of uninterruptible chunks takes effect at the first chunk
          // after it, which is then dropped.
          const interruptible = chunkInterruptible(value);
          if (interruptible === false) execution.shield("segment");
          else if (interruptible === true) execution.unshield();
          if (execution.cancelled) return;
          const published = publish(execution, value);
          if (published !== undefined) {
            return afterAwait(execution, published, () => next.push(value));
          }
          return next.push(value);
        },
        end: endNext(next),
      };
    },
  };
}
