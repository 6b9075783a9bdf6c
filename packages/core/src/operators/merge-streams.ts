/**
 * One input of {@link mergeStreams}: an async iterable (a generator, a stream) or a sync one.
 * @example const inputs: StreamInput<string>[] = [llm.chat({ messages }), ["Sure."]];
 */
export type StreamInput<T> = AsyncIterable<T> | Iterable<T>;

/**
 * The value type of a {@link StreamInput}.
 * @example type V = StreamValue<AsyncGenerator<AgentResponse>>; // AgentResponse
 */
export type StreamValue<S> =
  S extends AsyncIterable<infer V> ? V : S extends Iterable<infer V> ? V : never;

/**
 * The merged stream: an async iterator whose `return()` always exists and closes every input.
 * @example
 * const merged = mergeStreams(llmChunks, toolProgress);
 * for await (const value of merged) if (done(value)) break; // closes both inputs
 */
export interface MergedStream<T> extends AsyncIterableIterator<T, undefined, undefined> {
  next(): Promise<IteratorResult<T, undefined>>;
  /** Drops values not taken yet, closes every input and resolves once they have all finished. */
  return(): Promise<IteratorResult<T, undefined>>;
  [Symbol.asyncIterator](): MergedStream<T>;
}

interface Source {
  readonly iterator: AsyncIterator<unknown> | Iterator<unknown>;
  done: boolean;
}

interface Waiter<T> {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
}

type MergeState = "idle" | "open" | "failed" | "closing" | "closed";

/**
 * Merges several streams into one: every value of every input, exactly once and unchanged, in the
 * order they arrive. Closing the result (`break` in `for await`, or `return()`) closes every
 * input, so their `finally` blocks run; an input that throws closes the others, then the error
 * comes out of the merged stream (after the values that arrived before it).
 *
 * Each input is pulled again only once its previous value has been taken, so a generator is not
 * resumed past a value nobody has consumed yet (the same back-pressure as a route's `.stream()`).
 * @example
 * async *processContext(context) {
 *   yield* mergeStreams(this.llm.chat({ messages, signal: context.signal }), progressUpdates(context.signal));
 * }
 */
export function mergeStreams<S extends readonly StreamInput<unknown>[]>(
  ...iterables: S
): MergedStream<StreamValue<S[number]>> {
  return new MergedStreamIterator<StreamValue<S[number]>>(iterables);
}

class MergedStreamIterator<T> implements MergedStream<T> {
  readonly #inputs: readonly StreamInput<unknown>[];
  #sources: Source[] = [];
  /** Values that arrived and wait for a `next()`, each with the source to pull again once taken. */
  #arrived: { source: Source; value: T }[] = [];
  #waiters: Waiter<T>[] = [];
  #state: MergeState = "idle";
  #failure: { error: unknown } | undefined;
  #closed: Promise<void> | undefined;

  constructor(inputs: readonly StreamInput<unknown>[]) {
    this.#inputs = inputs;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.#state === "idle") this.#open(true);
    const item = this.#arrived.shift();
    if (item !== undefined) {
      this.#pull(item.source);
      return Promise.resolve({ done: false, value: item.value });
    }
    if (this.#state === "failed") return this.#throwFailure();
    if (this.#state !== "open" || this.#sources.every((s) => s.done)) {
      this.#state = this.#state === "open" ? "closed" : this.#state;
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    // Never started: nothing to pull, but the inputs still get their `return()`.
    if (this.#state === "idle") this.#open(false);
    if (this.#state === "open") {
      this.#state = "closing";
      this.#arrived = [];
      for (const waiter of this.#waiters.splice(0))
        waiter.resolve({ done: true, value: undefined });
      this.#closed = this.#closeSources().then((errors) => {
        this.#state = "closed";
        if (errors.length > 0) throw errors[0];
      });
    }
    if (this.#state === "failed") this.#failure = undefined;
    if (this.#closed !== undefined) await this.#closed;
    return { done: true, value: undefined };
  }

  #open(pull: boolean): void {
    this.#state = "open";
    for (const input of this.#inputs) {
      let iterator: AsyncIterator<unknown> | Iterator<unknown>;
      try {
        iterator =
          Symbol.asyncIterator in input
            ? (input as AsyncIterable<unknown>)[Symbol.asyncIterator]()
            : (input as Iterable<unknown>)[Symbol.iterator]();
      } catch (error) {
        this.#fail(error);
        return;
      }
      this.#sources.push({ iterator, done: false });
    }
    if (pull) for (const source of this.#sources) this.#pull(source);
  }

  #pull(source: Source): void {
    if (this.#state !== "open" || source.done) return;
    // The executor catches a sync iterator's throw; `resolve` adopts an async iterator's promise.
    new Promise<IteratorResult<unknown>>((resolve) => resolve(source.iterator.next())).then(
      (result) => this.#arrive(source, result),
      (error: unknown) => {
        source.done = true; // an iterator whose next() threw is finished
        if (this.#state === "open") this.#fail(error);
      },
    );
  }

  #arrive(source: Source, result: IteratorResult<unknown>): void {
    if (this.#state !== "open") return; // closing: values still in flight are dropped
    if (result.done === true) {
      source.done = true;
      if (this.#arrived.length === 0 && this.#sources.every((s) => s.done)) {
        this.#state = "closed";
        for (const waiter of this.#waiters.splice(0))
          waiter.resolve({ done: true, value: undefined });
      }
      return;
    }
    const value = result.value as T;
    const waiter = this.#waiters.shift();
    if (waiter === undefined) {
      this.#arrived.push({ source, value });
      return;
    }
    waiter.resolve({ done: false, value });
    this.#pull(source);
  }

  #fail(error: unknown): void {
    this.#state = "failed";
    this.#failure = { error };
    // The error wins over any error from closing the others.
    this.#closed = this.#closeSources().then(() => undefined);
    const waiters = this.#waiters.splice(0);
    if (waiters.length > 0) {
      const failure = this.#throwFailure();
      for (const waiter of waiters) failure.then(waiter.resolve, waiter.reject);
    }
  }

  /** Rejects with the input's error once the other inputs have closed; then the stream is done. */
  async #throwFailure(): Promise<IteratorResult<T, undefined>> {
    const failure = this.#failure;
    this.#failure = undefined;
    await this.#closed;
    this.#state = "closed";
    if (failure === undefined) return { done: true, value: undefined };
    throw failure.error;
  }

  /** Calls `return()` on every input still running; resolves with the errors their teardown threw. */
  async #closeSources(): Promise<unknown[]> {
    const open = this.#sources.filter((source) => !source.done);
    for (const source of open) source.done = true;
    const results = await Promise.allSettled(
      open.map((source) => new Promise((resolve) => resolve(source.iterator.return?.()))),
    );
    return results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
  }
}
