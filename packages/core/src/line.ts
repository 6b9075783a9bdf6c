/**
 * Line's names, for porting a Line app line by line. Import it once, anywhere in the app:
 *
 * ```ts
 * import "@switchboard/core/line";
 * ```
 *
 * It adds to the types what already works at run time: the snake_case settings `interrupt_on`,
 * `suspend_on` and `resume_on`, `.on()` on a route builder (start another route on the same
 * bridge, Line's chained style), and Line's `{ get(), mapToEvents() }` input for
 * `bridge.withInputRouting()`. The main entry keeps one name per thing, so completion there shows
 * only `interruptOn`, `bridge.on()` and async-iterable or Observable inputs.
 *
 * @packageDocumentation
 */
import type { RouteOptions } from "./bridge.js";
import type { EventClass } from "./event-registry.js";
import type { LineStyleInput } from "./internal/input-routing.js";
import type { Message } from "./message.js";
import type { ControlOptions, RoutePhase, SettingArgs } from "./route-builder.js";

export type { LineStyleInput } from "./internal/input-routing.js";

declare module "./route-builder.js" {
  interface RouteBuilder<T, E extends object = object, P extends RoutePhase = "steps"> {
    /** Line's name for {@link RouteBuilder.interruptOn}. */
    interrupt_on<I extends object>(
      ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
    ): RouteBuilder<T, E, "settings">;
    /** Line's name for {@link RouteBuilder.suspendOn}. */
    suspend_on<I extends object>(
      ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
    ): RouteBuilder<T, E, "settings">;
    /** Line's name for {@link RouteBuilder.resumeOn}. */
    resume_on<I extends object>(
      ...args: SettingArgs<P, [event: EventClass<I> | string, options?: ControlOptions<I>]>
    ): RouteBuilder<T, E, "settings">;
    /**
     * Starts another route on the same bridge, as `bridge.on()` does (Line's chained style).
     * @example bridge.on(A).map(f).on(B).map(g)
     */
    on<N extends object>(
      event: EventClass<N>,
      options?: RouteOptions<N>,
    ): RouteBuilder<Message<N>, N, "settings">;
    on(event: string, options?: RouteOptions<object>): RouteBuilder<Message, object, "settings">;
  }
}

declare module "./internal/input-routing.js" {
  interface InputSources {
    /**
     * Line's input shape: `get()` waits for the next piece of raw input and `mapToEvents(data)`
     * turns it into events, broadcast with the bridge's node id as source.
     */
    // `unknown`, not `never`: `get()` may return any data; `mapToEvents` is a method, so its
    // parameter is checked bivariantly and any data type fits.
    line: LineStyleInput<unknown>;
  }
}
