/**
 * A single-consumer queue exposed as an async iterable: the socket pushes parsed events in,
 * input routing pulls them out one at a time. `onDrain` fires when the consumer has taken an item,
 * so the producer can resume a paused socket.
 */
export class InputQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #head = 0;
  #ended = false;
  #taken = false;
  #waiter: ((result: IteratorResult<T, undefined>) => void) | undefined;
  readonly #onDrain: (size: number) => void;

  constructor(onDrain: (size: number) => void) {
    this.#onDrain = onDrain;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter({ done: false, value: item });
      return;
    }
    this.#items.push(item);
  }

  /** No more items: the consumer gets what is queued, then `done`. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    // One consumer: a second iteration would split the user's input between two buses.
    if (this.#taken) throw new Error("a harness's input can be iterated only once");
    this.#taken = true;
    return {
      next: () => this.#next(),
      return: () => {
        this.end();
        this.#items.length = 0;
        this.#head = 0;
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }

  #next(): Promise<IteratorResult<T, undefined>> {
    if (this.#head < this.#items.length) {
      const item = this.#items[this.#head] as T;
      this.#items[this.#head++] = undefined as T;
      if (this.#head === this.#items.length) {
        this.#items.length = 0;
        this.#head = 0;
      }
      this.#onDrain(this.size);
      return Promise.resolve({ done: false, value: item });
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve) => (this.#waiter = resolve));
  }
}
