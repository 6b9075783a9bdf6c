import { isObservable, type Observable } from "rxjs";
import { isAbortError } from "../errors.js";
import type { Logger } from "../logger.js";

/**
 * Line's input-routing shape: `get()` waits for the next piece of raw input, `mapToEvents`
 * turns it into events.
 */
export interface LineStyleInput<D = unknown> {
  get(): D | PromiseLike<D>;
  mapToEvents(data: D): Iterable<object> | AsyncIterable<object>;
}

/**
 * The input shapes `bridge.withInputRouting()` takes, by name: an async iterable or an Observable
 * of events. `import "@switchboard/core/line"` adds Line's `{ get(), mapToEvents() }` as `line`.
 */
export interface InputSources {
  asyncIterable: AsyncIterable<object>;
  observable: Observable<object>;
}

/** What `bridge.withInputRouting()` takes: one of {@link InputSources}. */
export type InputSource = InputSources[keyof InputSources];

/** Everything `runInput` accepts at run time. */
// `unknown`, not `never`: `get()` may return any data; `mapToEvents` is a method, so its
// parameter is checked bivariantly and any data type fits.
export type AnyInputSource = InputSource | LineStyleInput<unknown>;

/**
 * Feeds `source` into `emit` until `signal` aborts or the source ends. Each emit is awaited, so a
 * pull-based source is back-pressured by the bus.
 */
export async function runInput(
  source: AnyInputSource,
  emit: (event: object) => void | PromiseLike<void>,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  try {
    if (isObservable(source)) {
      await new Promise<void>((resolve, reject) => {
        // One teardown path whichever comes first: abort, completion or error.
        const done = (error?: unknown) => {
          signal.removeEventListener("abort", onAbort);
          subscription?.unsubscribe();
          if (error === undefined) resolve();
          else reject(error instanceof Error ? error : new Error("input failed", { cause: error }));
        };
        const onAbort = () => done();
        signal.addEventListener("abort", onAbort, { once: true });
        const subscription = source.subscribe({
          next: (event) => void emit(event),
          error: (error: unknown) => done(error ?? new Error("input failed")),
          complete: () => done(),
        });
        if (signal.aborted) done();
      });
    } else if (Symbol.asyncIterator in source) {
      await pump(source[Symbol.asyncIterator](), emit, signal);
    } else {
      const input = source;
      while (!signal.aborted) {
        const data = await abortable(Promise.resolve(input.get()), signal);
        if (data === ABORTED) return;
        const events = input.mapToEvents(data);
        if (Symbol.asyncIterator in events)
          await pump(events[Symbol.asyncIterator](), emit, signal);
        else for (const event of events) await emit(event);
      }
    }
  } catch (error) {
    if (signal.aborted && isAbortError(error)) return;
    log.error({ err: error }, "input routing failed");
  }
}

const ABORTED: unique symbol = Symbol("aborted");

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

async function pump(
  iterator: AsyncIterator<object>,
  emit: (event: object) => void | PromiseLike<void>,
  signal: AbortSignal,
): Promise<void> {
  let exhausted = false;
  try {
    for (;;) {
      const step = await abortable(iterator.next(), signal);
      if (step === ABORTED) return;
      if (step.done === true) {
        exhausted = true;
        return;
      }
      await emit(step.value);
    }
  } finally {
    if (!exhausted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
