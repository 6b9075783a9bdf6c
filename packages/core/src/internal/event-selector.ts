import { eventAlias, type EventClass } from "../event-registry.js";

/** What `bridge.on()` and `interruptOn()` accept: an event class, an alias glob, or `"*"`. */
export type EventSelector<E extends object = object> = EventClass<E> | string;

/** Per-property conditions on an event: a value to equal, or a predicate. */
export type Where<E> = { [K in keyof E]?: E[K] | ((value: E[K]) => boolean) };

/** A compiled selector: `matches(event)` is the only question routing asks. */
export interface EventMatcher {
  readonly description: string;
  matches(event: object): boolean;
  /**
   * What `matches` answers from the event's type alone (its class, or the alias registered for
   * it), before any `where` condition: the same for every event of one prototype, so routing can
   * remember it per prototype. A selector whose answer is not a matter of type says true.
   */
  matchesType(event: object): boolean;
  /** True when `matches` asks nothing beyond `matchesType` (no `where`, an ordinary class). */
  readonly typeOnly: boolean;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/** Compiles a selector and an optional `where` clause into one matcher. */
export function compileSelector(selector: EventSelector, where?: Where<object>): EventMatcher {
  const base = compileBase(selector);
  if (where === undefined) return base;
  const conditions = Object.entries(where);
  return {
    description: base.description,
    matchesType: base.matchesType,
    typeOnly: false,
    matches(event) {
      if (!base.matches(event)) return false;
      for (const [key, expected] of conditions) {
        const actual: unknown = (event as Record<string, unknown>)[key];
        if (typeof expected === "function") {
          if (!(expected as (v: unknown) => boolean)(actual)) return false;
        } else if (actual !== expected) return false;
      }
      return true;
    },
  };
}

/** A matcher whose answer depends on the event's type alone. */
function byType(description: string, matches: (event: object) => boolean): EventMatcher {
  return Object.freeze({ description, matches, matchesType: matches, typeOnly: true });
}

function always(): boolean {
  return true;
}

/**
 * Matchers without a `where` clause, shared: every session's routes on `UserStoppedSpeaking` ask
 * the same question, so they hold one matcher between them instead of one each.
 */
const classMatchers = new WeakMap<EventClass, EventMatcher>();
const aliasMatchers = new Map<string, EventMatcher>();
const ANY: EventMatcher = byType("*", always);

function compileBase(selector: EventSelector): EventMatcher {
  if (typeof selector === "function") {
    let matcher = classMatchers.get(selector);
    if (matcher === undefined) {
      matcher = compileClass(selector);
      classMatchers.set(selector, matcher);
    }
    return matcher;
  }
  if (selector === "*") return ANY;
  let matcher = aliasMatchers.get(selector);
  if (matcher === undefined) {
    matcher = compileAlias(selector);
    aliasMatchers.set(selector, matcher);
  }
  return matcher;
}

function compileClass(eventClass: EventClass): EventMatcher {
  const matches = (event: object) => event instanceof eventClass;
  // A class with its own `Symbol.hasInstance` may decide by the instance, not its prototype.
  if (!hasOrdinaryInstanceof(eventClass)) {
    return Object.freeze({
      description: eventClass.name,
      matches,
      matchesType: always,
      typeOnly: false,
    });
  }
  return byType(eventClass.name, matches);
}

function compileAlias(selector: string): EventMatcher {
  if (!/[*?]/.test(selector)) return byType(selector, (event) => eventAlias(event) === selector);
  const re = globToRegExp(selector);
  return byType(selector, (event) => {
    const alias = eventAlias(event);
    return alias !== undefined && re.test(alias);
  });
}

function hasOrdinaryInstanceof(eventClass: EventClass): boolean {
  return (
    (eventClass as unknown as Record<symbol, unknown>)[Symbol.hasInstance] ===
    Function.prototype[Symbol.hasInstance]
  );
}
