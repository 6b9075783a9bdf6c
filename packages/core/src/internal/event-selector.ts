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

const globCache = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re === undefined) {
    const body = glob
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    re = new RegExp(`^${body}$`);
    globCache.set(glob, re);
  }
  return re;
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

function compileBase(selector: EventSelector): EventMatcher {
  if (typeof selector === "function") {
    return { description: selector.name, matches: (event) => event instanceof selector };
  }
  if (selector === "*") return { description: "*", matches: () => true };
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
