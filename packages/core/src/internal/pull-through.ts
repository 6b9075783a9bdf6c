/** Returned by {@link PullThrough.item} for an item that becomes nothing. */
export const SKIP: unique symbol = Symbol("skip");

/**
 * A stream made of another async iterator's items, each passed through synchronous stages, then
 * trailing values once that iterator ends: what `ReasoningNode.generate` returns. Written as an
 * async generator wrapping the source, every item would cost that generator's own hops (its
 * `await` on the source, the `await` of its `yield`, the resolution of its `next()`) on top of
 * the source's. The stream step instead pulls the source itself and calls the stages in between
 * (`pumpThrough`); anyone else iterates it as an async generator ({@link PullThroughIterator}).
 * Both drive the same object, in the same order:
 * `open`, then `item` per source item (and `delivered` once it went through), then `trailing`
 * (and `delivered`) until it gives undefined; `failed` on a throw; `close` last, always.
 */
export interface PullThrough<I, O> {
  /** Starts the producer. Called once, first. */
  open(): AsyncIterator<I>;
  /** What the source's `value` becomes, or {@link SKIP}. */
  item(value: I): O | typeof SKIP;
  /** Once the source is exhausted: the next trailing value, or undefined when none is left. */
  trailing(): O | undefined;
  /** The value handed out last went through: the consumer came back for more. */
  delivered(): void;
  /**
   * The source threw `error`, or the consumer threw it in at a value (then `close` follows). A
   * stage's own throw is not reported to it.
   */
  failed(error: unknown): void;
  /** The end, whatever it was; the source is closed already. Called once. */
  close(): void;
}

/** The symbol under which a {@link PullThroughIterator} hands its stages to a pump. */
const PULL_THROUGH: unique symbol = Symbol("switchboard.pullThrough");

/** Anything that may hand its stages over: `[PULL_THROUGH]()` gives them once, if not iterated yet. */
interface PullThroughSource<I = unknown, O = unknown> {
  [PULL_THROUGH](): PullThrough<I, O> | undefined;
}

/** `source`'s stages when it is a {@link PullThroughSource} nobody iterated yet, else undefined. */
export function takePullThrough(source: object): PullThrough<unknown, unknown> | undefined {
  const take = (source as Partial<PullThroughSource>)[PULL_THROUGH];
  return typeof take === "function" ? take.call(source) : undefined;
}

/**
 * What `for await` iterates for `iterable`: its async iterator, else its sync one made async (each
 * value awaited).
 */
export function asyncIteratorOf<T>(iterable: AsyncIterable<T> | Iterable<T>): AsyncIterator<T> {
  const asyncIterator = (iterable as Partial<AsyncIterable<T>>)[Symbol.asyncIterator];
  if (asyncIterator !== undefined && asyncIterator !== null) return asyncIterator.call(iterable);
  return (async function* () {
    yield* iterable as Iterable<T>;
  })();
}

type State = "new" | "source" | "trailing" | "done";

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

/**
 * A {@link PullThrough} as an async generator, for whoever iterates it directly (a test, a custom
 * pump, `yield*`). Like a native one: nothing runs before the first `next()`; calls queue behind
 * each other; `return()` and `throw()` at a value close the source, then the stages; before the
 * first `next()` they end it without running anything.
 */
export class PullThroughIterator<I, O> implements AsyncGenerator<O, void, undefined> {
  readonly #through: PullThrough<I, O>;
  #state: State = "new";
  #source: AsyncIterator<I> | undefined;
  /** A value was handed out and the consumer has not come back yet. */
  #handedOut = false;
  /** The last call, settled or not, while one is pending: calls run one at a time, in order. */
  #pending: Promise<void> | undefined;

  constructor(through: PullThrough<I, O>) {
    this.#through = through;
  }

  /** Hands the stages to a pump, once, if nothing iterated this yet; this iterator is then done. */
  [PULL_THROUGH](): PullThrough<I, O> | undefined {
    if (this.#state !== "new") return undefined;
    this.#state = "done";
    return this.#through;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<O, void>> {
    return this.#enqueue(() => this.#next());
  }

  return(): Promise<IteratorResult<O, void>> {
    return this.#enqueue(() => this.#close(undefined, false));
  }

  throw(error: unknown): Promise<IteratorResult<O, void>> {
    return this.#enqueue(() => this.#close({ error }, true));
  }

  /** Runs `call` now if no call is pending (as a native one, up to its first `await`), else after them. */
  #enqueue(call: () => Promise<IteratorResult<O, void>>): Promise<IteratorResult<O, void>> {
    const pending = this.#pending;
    const result = pending === undefined ? call() : pending.then(call);
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#pending = settled;
    void settled.then(() => {
      if (this.#pending === settled) this.#pending = undefined;
    });
    return result;
  }

  async #next(): Promise<IteratorResult<O, void>> {
    const through = this.#through;
    if (this.#state === "new") {
      this.#state = "source";
      try {
        this.#source = through.open();
      } catch (error) {
        this.#fail(error);
      }
    }
    try {
      if (this.#handedOut) {
        this.#handedOut = false;
        through.delivered();
      }
      while (this.#state === "source") {
        let step: IteratorResult<I>;
        try {
          step = await this.#source!.next();
        } catch (error) {
          this.#fail(error); // a source that threw is closed
        }
        if (step.done === true) {
          this.#state = "trailing";
          break;
        }
        const value = through.item(step.value);
        if (value === SKIP) continue;
        this.#handedOut = true;
        return { done: false, value };
      }
      if (this.#state === "trailing") {
        const value = through.trailing();
        if (value !== undefined) {
          this.#handedOut = true;
          return { done: false, value };
        }
        this.#state = "done";
        through.close();
      }
      return DONE;
    } catch (error) {
      // A stage threw: it ends here, its source closed first, as a generator's would be.
      if (this.#state === "done") throw error;
      return this.#close({ error }, false);
    }
  }

  /** The source failed (it is closed): the stages see it, then end. */
  #fail(error: unknown): never {
    this.#state = "done";
    try {
      this.#through.failed(error);
    } finally {
      this.#through.close();
    }
    throw error;
  }

  /**
   * Ends it early: `return()` (no `thrown`), `throw(error)` from the consumer, or a stage that
   * threw. `report`: the stages see the error (`failed`); not their own.
   */
  async #close(
    thrown: { error: unknown } | undefined,
    report: boolean,
  ): Promise<IteratorResult<O, void>> {
    const state = this.#state;
    this.#state = "done";
    if (state === "new" || state === "done") {
      if (thrown !== undefined) throw thrown.error;
      return DONE;
    }
    const through = this.#through;
    try {
      // At a source value the source is open: close it (its `finally` runs) before the stages.
      if (state === "source") await this.#source!.return?.();
    } catch (error) {
      // A source that throws while closing: that wins over a return (an async generator's
      // `for await` does the same), not over a throw.
      if (thrown === undefined) {
        thrown = { error };
        report = true;
      }
    } finally {
      if (report) through.failed(thrown!.error);
      through.close();
    }
    if (thrown !== undefined) throw thrown.error;
    return DONE;
  }
}
