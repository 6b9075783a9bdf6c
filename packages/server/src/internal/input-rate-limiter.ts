/** Options of {@link InputRateLimiter}. */
export interface InputRateLimits {
  /** Frames per second, with a burst of one second's worth. */
  framesPerSecond: number;
  /** Bytes per second. */
  bytesPerSecond: number;
  /** Bytes that may arrive at once (the bucket's size): at least one largest frame. */
  burstBytes: number;
  /** How long a client may stay over a rate before it counts as a flooder. */
  maxOverLimitMs: number;
  /** The clock in ms. */
  now: () => number;
}

/** What to do with the socket after a frame: read on, pause for `ms`, or close (a persistent flooder). */
export type RateVerdict =
  | { action: "accept" }
  | { action: "pause"; ms: number }
  /** `overForMs`: how long the client will have been over a rate once its debt is paid. */
  | { action: "close"; overForMs: number };

/**
 * Input rate limits in frames and bytes per second: two token buckets that may go into debt. A
 * frame that was read is never dropped (it was valid input); instead the reader pauses until the
 * debt is paid back, so a flood costs the server nothing more than the client's TCP window. A
 * client that keeps sending at or over a rate for `maxOverLimitMs` (every frame finds the bucket
 * empty, paused time included), or owes more than that at once, is a flooder: the verdict says close.
 */
export class InputRateLimiter {
  readonly #limits: InputRateLimits;
  #frames: number;
  #bytes: number;
  #last: number;
  #overSince: number | undefined;

  constructor(limits: InputRateLimits) {
    this.#limits = limits;
    this.#frames = limits.framesPerSecond;
    this.#bytes = limits.burstBytes;
    this.#last = limits.now();
  }

  /** Counts one frame of `bytes` and says what the reader should do next. */
  admit(bytes: number): RateVerdict {
    const { framesPerSecond, bytesPerSecond, burstBytes, maxOverLimitMs } = this.#limits;
    const now = this.#limits.now();
    const elapsedS = Math.max(0, now - this.#last) / 1000;
    this.#last = now;
    this.#frames = Math.min(framesPerSecond, this.#frames + elapsedS * framesPerSecond) - 1;
    this.#bytes = Math.min(burstBytes, this.#bytes + elapsedS * bytesPerSecond) - bytes;
    if (this.#frames >= 0 && this.#bytes >= 0) {
      this.#overSince = undefined;
      return { action: "accept" };
    }
    this.#overSince ??= now;
    const ms = Math.ceil(
      Math.max(-this.#frames / framesPerSecond, -this.#bytes / bytesPerSecond) * 1000,
    );
    // Over for the whole time until the debt is paid: past the allowance, it is a flood already.
    const overForMs = now - this.#overSince + ms;
    if (overForMs > maxOverLimitMs) return { action: "close", overForMs };
    return { action: "pause", ms };
  }
}
