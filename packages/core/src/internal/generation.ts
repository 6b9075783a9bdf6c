import { randomUUID } from "node:crypto";
import type { Message } from "../message.js";
import type { RouteContext } from "../route-context.js";

/** Returned by {@link Generation.race} when the generation was cancelled first. */
export const CANCELLED: unique symbol = Symbol("cancelled");

type GenerationState = "running" | "cancelled" | "finished";

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
  #done = false;

  constructor(message: Message<E>) {
    this.message = message;
  }

  /** Made on first read (stable from then on): most map routes never broadcast or read it. */
  get generationId(): string {
    return (this.#generationId ??= randomUUID());
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#state === "cancelled") this.#controller.abort(interruptedReason());
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

  /** Cancels a running generation: aborts its signal and wakes whatever it is awaiting. */
  cancel(): boolean {
    if (this.#state !== "running") return false;
    this.#state = "cancelled";
    this.#controller?.abort(interruptedReason());
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
 * The abort reason of a cancelled generation: an `AbortError` (what fetch, the OpenAI SDK and
 * `timers/promises` expect) built without capturing a stack — the stack would only point here,
 * and capturing it is a measurable part of an interrupt's latency.
 */
function interruptedReason(): DOMException {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new DOMException("The generation was interrupted", "AbortError");
  } finally {
    Error.stackTraceLimit = limit;
  }
}

type Wake = (value: typeof CANCELLED) => void;

function ignore(): void {}
