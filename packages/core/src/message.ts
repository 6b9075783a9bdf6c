import { randomUUID } from "node:crypto";

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
    this.id = init.id ?? randomUUID();
    this.source = init.source;
    this.event = init.event;
    this.timestamp = init.timestamp ?? Date.now();
    this.generationId = init.generationId;
  }
}
