/**
 * How long to wait before retry number `attempt + 1`: the server's `retry-after` when it sent one,
 * else "full jitter" — a uniformly random delay between 0 and `baseMs * 2^attempt` — so that a
 * thousand sessions hit by the same 429 spread their retries instead of retrying in lock-step.
 * Both are capped at `capMs`.
 */
export function retryDelay(options: {
  attempt: number;
  baseMs: number;
  capMs: number;
  retryAfterMs: number | undefined;
  random?: () => number;
}): number {
  const { attempt, baseMs, capMs, retryAfterMs, random = Math.random } = options;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, capMs);
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
