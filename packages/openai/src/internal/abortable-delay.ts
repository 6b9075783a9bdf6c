const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Resolves to `true` after `ms`, or to `false` as soon as `signal` aborts; the timer and the
 * listener never outlive the wait.
 */
export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    // setTimeout treats anything over 2^31-1 ms (Infinity included) as 1 ms: such a wait only ends on abort.
    const timer =
      ms > MAX_TIMEOUT_MS
        ? undefined
        : setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve(true);
          }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
