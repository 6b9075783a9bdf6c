/**
 * A token bucket: `capacity` tokens, refilled continuously at `capacity` per `windowMs`.
 * Used to bound how many frames a client may send per second.
 */
export class TokenBucket {
  readonly #capacity: number;
  readonly #refillPerMs: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(capacity: number, windowMs = 1000, now: () => number = () => performance.now()) {
    this.#capacity = capacity;
    this.#refillPerMs = capacity / windowMs;
    this.#now = now;
    this.#tokens = capacity;
    this.#last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#refillPerMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
