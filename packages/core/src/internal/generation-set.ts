import type { Generation } from "./generation.js";

/**
 * The generations a route runs or tears down, in the order they were added: a `Set`, except that
 * a lone generation (the common case: a map route runs one per trigger, start to end) never
 * enters it. V8 shrinks a Set's table on a delete that leaves it nearly empty — a runtime call
 * and a new table per delete — and a per-chunk route deletes once per chunk: that was the largest
 * single cost in the stream benchmark's profile.
 */
export class GenerationSet implements Iterable<Generation> {
  /** Set only while it is the oldest member; later members go to `#more`. */
  #first: Generation | undefined;
  #more: Set<Generation> | undefined;

  get size(): number {
    return (this.#first === undefined ? 0 : 1) + (this.#more?.size ?? 0);
  }

  add(generation: Generation): void {
    if (generation === this.#first) return;
    if (this.size === 0) this.#first = generation;
    else (this.#more ??= new Set()).add(generation);
  }

  delete(generation: Generation): boolean {
    if (generation !== this.#first) return this.#more?.delete(generation) ?? false;
    this.#first = undefined;
    return true;
  }

  clear(): void {
    this.#first = undefined;
    this.#more?.clear();
  }

  *[Symbol.iterator](): IterableIterator<Generation> {
    if (this.#first !== undefined) yield this.#first;
    if (this.#more !== undefined) yield* this.#more;
  }
}
