import { nextGenerationId, type Message } from "../message.js";
import type { RouteContext } from "../route-context.js";

/** Returned by {@link Generation.race} when the generation was cancelled first. */
export const CANCELLED: unique symbol = Symbol("cancelled");

type GenerationState = "running" | "cancelled" | "finished";

/** What may not be cut off: nothing, the current run of uninterruptible chunks, or the whole run. */
type Shield = "none" | "segment" | "generation";

/**
 * One run of a route for one trigger message. It is the `ctx` handed to steps, owns the
 * generation's AbortController (created only if a step reads `signal`) and the teardown
 * callbacks of the resources its steps opened.
 */
export class Generation<E extends object = object> implements RouteContext<E> {
  readonly message: Message<E>;
  #generationId: string | undefined;
  #state: GenerationState = "running";
  #controller: AbortController | undefined;
  #wake: Wake | undefined;
  /** Awaits that overlap the one in `#wake` (a timer operator emitting while the generator waits). */
  #moreWakes: Set<Wake> | undefined;
  #teardowns: (() => void)[] | undefined;
  #finished: Promise<void> | undefined;
  #resolveFinished: (() => void) | undefined;
  #onFinished: (() => void)[] | undefined;
  #done = false;
  #shield: Shield = "none";
  /** A cancel arrived while shielded: it takes effect when the shield drops. */
  #cancelDeferred = false;
  /**
   * How many of this generation's messages the bus delivered: a producer closed at a `yield` reads
   * it to know whether the value it yielded reached anyone.
   */
  deliveries = 0;

  constructor(message: Message<E>) {
    this.message = message;
  }

  /**
   * Made on first read (stable from then on): most map routes never broadcast or read it. Short
   * (see `nextGenerationId`): every frame of an answer carries it.
   */
  get generationId(): string {
    return (this.#generationId ??= nextGenerationId());
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#state === "cancelled") this.#controller.abort(INTERRUPTED);
    }
    return this.#controller.signal;
  }

  /** Settles (never rejects) once the generation has run to its end or finished tearing down. */
  get finished(): Promise<void> {
    if (this.#finished === undefined) {
      this.#finished = this.#done
        ? Promise.resolve()
        : new Promise<void>((resolve) => (this.#resolveFinished = resolve));
    }
    return this.#finished;
  }

  /**
   * Calls `callback` when the generation finishes (at once if it has), in the call that finishes
   * it: no promise hop, unlike `finished`.
   */
  whenFinished(callback: () => void): void {
    if (this.#done) callback();
    else (this.#onFinished ??= []).push(callback);
  }

  /** True once the run ended (normally or after tearing down). */
  get isFinished(): boolean {
    return this.#done;
  }

  get cancelled(): boolean {
    return this.#state === "cancelled";
  }

  get running(): boolean {
    return this.#state === "running";
  }

  /** Registers a teardown run once, on cancel or on finish, whichever comes first. */
  onTeardown(fn: () => void): void {
    (this.#teardowns ??= []).push(fn);
  }

  /** True while an uninterruptible segment (or generation) is being delivered. */
  get shielded(): boolean {
    return this.#shield !== "none";
  }

  /**
   * Starts an uninterruptible stretch: a cancel arriving meanwhile is deferred to its end.
   * `"generation"` shields the whole run: a deferred cancel then never applies (the run ends whole).
   */
  shield(scope: "segment" | "generation"): void {
    if (this.#shield !== "generation") this.#shield = scope;
  }

  /** The uninterruptible segment ended: a cancel that arrived during it takes effect now. */
  unshield(): void {
    if (this.#shield !== "segment") return;
    this.#shield = "none";
    if (this.#cancelDeferred) {
      this.#cancelDeferred = false;
      this.#abort();
    }
  }

  /**
   * Cancels a running generation: aborts its signal and wakes whatever it is awaiting. While an
   * uninterruptible segment is delivered the cancel is deferred to its end (still `true`: the
   * generation will end cancelled); `force` (stopping the bus) cancels at once.
   */
  cancel(force = false): boolean {
    if (this.#state !== "running") return false;
    if (this.#shield !== "none" && !force) {
      if (this.#cancelDeferred) return false;
      this.#cancelDeferred = true;
      return true;
    }
    return this.#abort();
  }

  #abort(): boolean {
    if (this.#state !== "running") return false;
    this.#state = "cancelled";
    this.#controller?.abort(INTERRUPTED);
    const wake = this.#wake;
    const more = this.#moreWakes;
    this.#wake = undefined;
    this.#moreWakes = undefined;
    wake?.(CANCELLED);
    if (more !== undefined) for (const w of more) w(CANCELLED);
    this.#runTeardowns();
    return true;
  }

  /** Marks the end of the run (normal or after cancel); teardowns that have not run yet run now. */
  finish(): void {
    if (this.#state === "running") this.#state = "finished";
    this.#done = true;
    this.#runTeardowns();
    this.#resolveFinished?.();
    const callbacks = this.#onFinished;
    this.#onFinished = undefined;
    if (callbacks !== undefined) for (const callback of callbacks) callback();
  }

  /**
   * Awaits `promise` unless the generation is cancelled first. The common single await uses one
   * reusable slot (no reactions piling onto a shared promise over a long stream); awaits that
   * overlap it are tracked in a set, so a cancel wakes every one of them.
   */
  race<T>(promise: PromiseLike<T>): Promise<T | typeof CANCELLED> {
    if (this.#state === "cancelled") {
      Promise.resolve(promise).catch(ignore);
      return Promise.resolve(CANCELLED);
    }
    return new Promise<T | typeof CANCELLED>((resolve, reject) => {
      if (this.#wake === undefined) this.#wake = resolve;
      else (this.#moreWakes ??= new Set()).add(resolve);
      promise.then(
        (value) => {
          this.#release(resolve);
          resolve(value);
        },
        (error: unknown) => {
          this.#release(resolve);
          reject(error);
        },
      );
    });
  }

  /** The await `wake` belongs to has settled: it no longer needs waking on cancel. */
  #release(wake: Wake): void {
    if (this.#wake === wake) this.#wake = undefined;
    else this.#moreWakes?.delete(wake);
  }

  #runTeardowns(): void {
    const teardowns = this.#teardowns;
    if (teardowns === undefined) return;
    this.#teardowns = undefined;
    for (const fn of teardowns) fn();
  }
}

/**
 * The abort reason of every cancelled generation: an `AbortError` (what fetch, the OpenAI SDK and
 * `timers/promises` expect) built once, without a stack — the stack would only point here, and
 * building a DOMException per cancel is a measurable part of an interrupt's latency.
 */
const INTERRUPTED: DOMException = (() => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new DOMException("The generation was interrupted", "AbortError");
  } finally {
    Error.stackTraceLimit = limit;
  }
})();

type Wake = (value: typeof CANCELLED) => void;

function ignore(): void {}
