import { randomBytes, randomUUID } from "node:crypto";

/**
 * Message ids: a random UUID's first 74 random bits, drawn per process, and a counter in its last
 * 12 digits. Still a version-4-format UUID and unique, at a fraction of the cost: every chunk of
 * every answer is a message, and `randomUUID()` built ~600 bytes of strings for each one. The
 * counter stays a small integer (its decimal digits are hex digits too, and always ten of them,
 * so no padding); when it runs out, a new prefix is drawn.
 */
const FIRST_ID = 1_000_000_000;
const LAST_ID = 1_999_999_999;
let idPrefix = newIdPrefix();
let idCounter = FIRST_ID;

function newIdPrefix(): string {
  return `${randomUUID().slice(0, 24)}00`;
}

/**
 * A new message id: unique in this process and across processes (a random prefix per process),
 * in the format of a version-4 UUID. Not for anything secret.
 */
function nextMessageId(): string {
  if (idCounter > LAST_ID) {
    idPrefix = newIdPrefix();
    idCounter = FIRST_ID;
  }
  return idPrefix + String(idCounter++);
}

/**
 * Generation ids: every frame of an answer carries one (`generation_id`), so they are short: a
 * random per-process prefix of 48 bits (8 base64url characters) and a base-36 counter, e.g.
 * `"q3Xz-9aB1c"`. 12 characters or so where a UUID was 36: a paced answer's frames are a quarter
 * smaller.
 */
let generationPrefix = randomBytes(6).toString("base64url");
let generationCounter = 0;

/**
 * @internal A new generation id: unique in this process and, by its random prefix, across
 * processes. Not for anything secret.
 */
export function nextGenerationId(): string {
  if (generationCounter === Number.MAX_SAFE_INTEGER) {
    generationPrefix = randomBytes(6).toString("base64url");
    generationCounter = 0;
  }
  return generationPrefix + (generationCounter++).toString(36);
}

/** Init object of {@link Message}. */
export interface MessageInit<E extends object> {
  event: E;
  source: string;
  id?: string;
  timestamp?: number;
  generationId?: string | undefined;
}

/**
 * The envelope of everything on the bus: an event plus who sent it and when.
 * @example
 * const m = new Message({ source: "user", event: new UserStoppedSpeaking() });
 * m.timestamp; // ms since epoch
 */
export class Message<E extends object = object> {
  readonly id: string;
  readonly source: string;
  readonly event: E;
  readonly timestamp: number;
  /** Set on messages a route execution broadcast: the id of that execution (its generation). */
  readonly generationId: string | undefined;

  constructor(init: MessageInit<E>) {
    this.id = init.id ?? nextMessageId();
    this.source = init.source;
    this.event = init.event;
    this.timestamp = init.timestamp ?? Date.now();
    this.generationId = init.generationId;
  }
}
