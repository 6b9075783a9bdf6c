const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Options of {@link delay}. */
export interface DelayOptions {
  /** Ends the wait early: the promise rejects with the signal's reason (an `AbortError`). */
  signal?: AbortSignal | undefined;
}

/**
 * Waits `ms` milliseconds; rejects with an `AbortError` as soon as `signal` aborts. The timer and
 * the abort listener never outlive the wait. The one wait of Switchboard's own code (model
 * retries, tool fillers, scripted token pacing).
 * @example
 * await delay(250, { signal: ctx.signal }); // throws an AbortError if the generation is interrupted
 */
export function delay(ms: number, options: DelayOptions = {}): Promise<void> {
  const { signal } = options;
  if (signal?.aborted === true) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal!));
    };
    // setTimeout treats anything over 2^31-1 ms (Infinity included) as 1 ms: such a wait only ends on abort.
    const timer =
      ms > MAX_TIMEOUT_MS
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
          }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The signal's reason when it is an AbortError (a cancelled generation's is), else a new one. */
function abortReason(signal: AbortSignal): unknown {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  return new DOMException("The wait was aborted", "AbortError");
}
