import { SwitchboardError } from "./errors.js";

/** Any event class: something `instanceof` can match. Abstract classes count too. */
export type EventClass<E extends object = object> = abstract new (...args: never[]) => E;

const aliasByClass = new Map<EventClass, string>();
const classByAlias = new Map<string, EventClass>();
/** Bumped by every registration: what routing remembers about aliases is stale once it changes. */
let version = 0;

/** @internal Changes whenever an alias is registered. */
export function eventRegistryVersion(): number {
  return version;
}

/**
 * Gives an event class an alias, so routes can match it with a glob (`"billing.*"`).
 * Registering one class twice, or taking another class's alias, throws.
 * @example
 * class PaymentReceived { constructor(readonly init: { amount: number }) {} }
 * registerEvent("billing.payment_received", PaymentReceived);
 * bridge.on("billing.*").map((m) => m.event);
 */
export function registerEvent(alias: string, eventClass: EventClass): void {
  const existing = aliasByClass.get(eventClass);
  if (existing !== undefined) {
    throw new SwitchboardError(
      "EVENT_ALREADY_REGISTERED",
      `${eventClass.name} is already registered as "${existing}"`,
    );
  }
  const owner = classByAlias.get(alias);
  if (owner !== undefined) {
    throw new SwitchboardError(
      "EVENT_ALIAS_TAKEN",
      `alias "${alias}" already belongs to ${owner.name}`,
    );
  }
  aliasByClass.set(eventClass, alias);
  classByAlias.set(alias, eventClass);
  version++;
}

/**
 * The alias of an event (or event class): its own class's alias, else the nearest registered ancestor's.
 * @example
 * eventAlias(new UserStoppedSpeaking()); // "user.stopped_speaking"
 */
export function eventAlias(eventOrClass: object): string | undefined {
  let ctor: unknown =
    typeof eventOrClass === "function"
      ? eventOrClass
      : (eventOrClass as { constructor?: unknown }).constructor;
  while (typeof ctor === "function") {
    const alias = aliasByClass.get(ctor as EventClass);
    if (alias !== undefined) return alias;
    ctor = Object.getPrototypeOf(ctor);
  }
  return undefined;
}

/** The class registered under `alias`, if any. */
export function eventClassFor(alias: string): EventClass | undefined {
  return classByAlias.get(alias);
}
