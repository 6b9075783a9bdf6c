import { randomUUID } from "node:crypto";

/**
 * Message ids: a random UUID's first 74 random bits, drawn once per process, then a counter in its
 * last 48 bits. Still a version-4-format UUID and unique, at a fraction of the cost: every chunk
 * of every answer is a message, and `randomUUID()` built ~600 bytes of strings for each one.
 */
const ID_PREFIX = randomUUID().slice(0, 24);
const ID_COUNTER_LIMIT = 2 ** 48;
let idCounter = Math.floor(Math.random() * ID_COUNTER_LIMIT);

function nextMessageId(): string {
  idCounter = (idCounter + 1) % ID_COUNTER_LIMIT;
  return ID_PREFIX + idCounter.toString(16).padStart(12, "0");
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
