import { eventRegistryVersion } from "../event-registry.js";
import type { Route } from "./route.js";

/** The routes one prototype's events concern: as triggers, and through control rules. */
export interface RouteIndexEntry {
  readonly triggers: readonly Route[];
  readonly controls: readonly Route[];
}

const NONE: readonly Route[] = Object.freeze([]);

/**
 * Which of a bridge's routes a message concerns, by its event's prototype. Routing then asks only
 * the routes whose selector matches that type (or that have a control rule for it), instead of
 * every route of every bridge about every message: an agent's chunk reaches the one route that
 * sends it to the user, not the transcription, handoff and authorization routes next to it.
 * An entry is made on a prototype's first event and forgotten when a route is added or
 * reconfigured, or an event alias is registered. An event with an own `constructor` property (its
 * alias is not its prototype's) is never indexed: it is asked of every route, as before.
 */
export class RouteIndex {
  readonly #routes: readonly Route[];
  #entries: Map<unknown, RouteIndexEntry> | undefined;
  #registryVersion = -1;
  /** The last prototype looked up, its constructor and its entry: a stream's chunks are of one type. */
  #lastPrototype: unknown;
  #lastConstructor: unknown;
  #lastEntry: RouteIndexEntry | undefined;

  /** `routes` is the bridge's own list, read (never copied) when an entry is made. */
  constructor(routes: readonly Route[]) {
    this.#routes = routes;
  }

  /** The routes changed: every entry is stale. */
  invalidate(): void {
    this.#entries = undefined;
    this.#lastEntry = undefined;
  }

  /**
   * The routes `event`'s type concerns (its `where`, source and filter are still to check), or
   * undefined for an event that is not indexed: ask every route.
   */
  entry(event: object): RouteIndexEntry | undefined {
    const prototype: unknown = Object.getPrototypeOf(event);
    // The type looked up last (every chunk of a stream), checked without `Object.hasOwn`: an event
    // whose `constructor` is its prototype's has that prototype's alias, own property or not.
    if (
      prototype === this.#lastPrototype &&
      this.#lastEntry !== undefined &&
      (event as { constructor?: unknown }).constructor === this.#lastConstructor &&
      this.#registryVersion === eventRegistryVersion()
    ) {
      return this.#lastEntry;
    }
    if (Object.hasOwn(event, "constructor")) return undefined;
    const version = eventRegistryVersion();
    if (version !== this.#registryVersion) {
      this.#registryVersion = version;
      this.invalidate();
    }
    const entries = (this.#entries ??= new Map<unknown, RouteIndexEntry>());
    let entry = entries.get(prototype);
    if (entry === undefined) {
      entry = {
        triggers: pick(this.#routes, (route) => route.mayTrigger(event)),
        controls: pick(this.#routes, (route) => route.mayControl(event)),
      };
      entries.set(prototype, entry);
    }
    this.#lastPrototype = prototype;
    this.#lastConstructor = (prototype as { constructor?: unknown } | null)?.constructor;
    this.#lastEntry = entry;
    return entry;
  }
}

function pick(routes: readonly Route[], keep: (route: Route) => boolean): readonly Route[] {
  const kept = routes.filter(keep);
  return kept.length === 0 ? NONE : kept;
}
