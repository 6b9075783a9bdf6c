import type { Message } from "./message.js";

/**
 * What every route step receives besides the value: the triggering message, a signal that
 * aborts when this execution is interrupted, suspended, switched out or the bus stops, and the
 * execution's `generationId` (carried by every message it broadcasts).
 * @example
 * bridge.on(UserStoppedSpeaking).stream(async function* (_m, ctx) {
 *   const res = await fetch(url, { signal: ctx.signal });
 *   yield await res.text();
 * });
 */
export interface RouteContext<E extends object = object> {
  readonly message: Message<E>;
  readonly signal: AbortSignal;
  readonly generationId: string;
}
