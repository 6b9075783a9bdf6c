import { eventAlias, type EventClass } from "../event-registry.js";

/** What `bridge.on()` and `interruptOn()` accept: an event class, an alias glob, or `"*"`. */
export type EventSelector<E extends object = object> = EventClass<E> | string;

/** Per-property conditions on an event: a value to equal, or a predicate. */
export type Where<E> = { [K in keyof E]?: E[K] | ((value: E[K]) => boolean) };

/** A compiled selector: `matches(event)` is the only question routing asks. */
export interface EventMatcher {
  readonly description: string;
  matches(event: object): boolean;
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

/**
 * Matchers without a `where` clause, shared: every session's routes on `UserStoppedSpeaking` ask
 * the same question, so they hold one matcher between them instead of one each.
 */
const classMatchers = new WeakMap<EventClass, EventMatcher>();
const aliasMatchers = new Map<string, EventMatcher>();
const ANY: EventMatcher = Object.freeze({ description: "*", matches: () => true });

function compileBase(selector: EventSelector): EventMatcher {
  if (typeof selector === "function") {
    let matcher = classMatchers.get(selector);
    if (matcher === undefined) {
      matcher = Object.freeze({
        description: selector.name,
        matches: (event: object) => event instanceof selector,
      });
      classMatchers.set(selector, matcher);
    }
    return matcher;
  }
  if (selector === "*") return ANY;
  let matcher = aliasMatchers.get(selector);
  if (matcher === undefined) {
    matcher = Object.freeze(compileAlias(selector));
    aliasMatchers.set(selector, matcher);
  }
  return matcher;
}

function compileAlias(selector: string): EventMatcher {
  if (!/[*?]/.test(selector)) {
    return { description: selector, matches: (event) => eventAlias(event) === selector };
  }
  const re = globToRegExp(selector);
  return {
    description: selector,
    matches(event) {
      const alias = eventAlias(event);
      return alias !== undefined && re.test(alias);
    },
  };
}
