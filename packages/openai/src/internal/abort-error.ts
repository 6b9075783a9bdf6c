import { isAbortError } from "@switchboard/core";

/**
 * The error a model stream rejects with once its `signal` has aborted: the signal's reason when
 * it is an abort (a route's interrupt is), else a plain `AbortError` — what `fetch` and the
 * `openai` client throw, so code after an interrupted `for await` never runs.
 */
export function abortError(signal: AbortSignal | undefined, thrown?: unknown): unknown {
  const reason: unknown = signal?.reason;
  if (isAbortError(reason)) return reason;
  if (thrown !== undefined && isAbortError(thrown)) return thrown;
  return new DOMException("The operation was aborted", "AbortError");
}
