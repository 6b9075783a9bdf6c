/** Longest `call_id` the server accepts (in `POST /chats` and on `/ws?call_id=`). */
export const MAX_CALL_ID_LENGTH = 256;

/**
 * A new call id, the one scheme every side uses: a random UUID, after `prefix-` when a prefix
 * names who made it (`"cli"`, `"test"`). The server makes prefix-less ids for calls that come
 * without one. Browser-safe (Web Crypto).
 * @example newCallId("cli"); // "cli-1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
 */
export function newCallId(prefix?: string): string {
  const id = globalThis.crypto.randomUUID();
  return prefix === undefined ? id : `${prefix}-${id}`;
}
