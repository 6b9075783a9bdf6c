/** Why an instance takes no new call right now. */
export type NotReadyReason = "draining" | "at_capacity" | "closed";

/** What `GET /ready` and `GET /status` report about admission. */
export interface Readiness {
  readonly ready: boolean;
  readonly reason?: NotReadyReason;
  readonly calls: number;
  /** `null` when unlimited. */
  readonly capacity: number | null;
  readonly draining: boolean;
}

/**
 * Decides whether an instance takes a new call: not while draining, not at `maxCalls`. One place
 * for `/ready`, `POST /chats` and the WebSocket upgrade, so a load balancer's readiness probe and
 * the 503 a caller gets can never disagree.
 */
export class Admission {
  readonly #maxCalls: number | undefined;
  #calls = 0;
  #state: "open" | "draining" | "closed" = "open";

  constructor(maxCalls: number | undefined) {
    if (maxCalls !== undefined && (!Number.isInteger(maxCalls) || maxCalls < 1))
      throw new RangeError(`maxCalls must be a positive integer, got ${maxCalls}`);
    this.#maxCalls = maxCalls;
  }

  get calls(): number {
    return this.#calls;
  }

  get draining(): boolean {
    return this.#state !== "open";
  }

  /** Why a new call would be refused now, or `undefined` when it is welcome. */
  refusal(): NotReadyReason | undefined {
    if (this.#state === "closed") return "closed";
    if (this.#state === "draining") return "draining";
    if (this.#maxCalls !== undefined && this.#calls >= this.#maxCalls) return "at_capacity";
    return undefined;
  }

  readiness(): Readiness {
    const reason = this.refusal();
    return {
      ready: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      calls: this.#calls,
      capacity: this.#maxCalls ?? null,
      draining: this.draining,
    };
  }

  /** A call started; returns its release (idempotent). */
  admit(): () => void {
    this.#calls++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#calls--;
    };
  }

  drain(): void {
    if (this.#state === "open") this.#state = "draining";
  }

  close(): void {
    this.#state = "closed";
  }
}
