/**
 * The playground's debug channel: extra `log_event` frames a session sends only when the app serves
 * the playground and the page asks for them (`/ws?debug=1`). Browser-safe: the page imports it too.
 */

/** The `event` names of debug `log_event` frames. */
export const DEBUG_EVENTS = {
  /** `metadata` is a {@link DebugTopology}: sent when the session starts and when the speaker changes. */
  topology: "debug.topology",
  /** `metadata` is a {@link DebugTrace}: one per phase of each route execution. */
  trace: "debug.trace",
} as const;

/** The query parameter of `/ws` that asks for the debug channel. */
export const DEBUG_QUERY_PARAM = "debug";

/** A control rule of a route: which event interrupts, suspends or resumes it. */
export interface DebugRouteControl {
  kind: "interrupt" | "suspend" | "resume";
  event: string;
}

/** One step of a route, in order. */
export interface DebugRouteStep {
  kind: "map" | "filter" | "stream" | "pipe" | "broadcast";
  name?: string;
}

/** A route of a bridge, as the page draws it. */
export interface DebugRoute {
  id: string;
  /** An alias glob as written, or the event class's name. */
  trigger: string;
  /** The sources given to `bridge.on(…, { source })`, if any. */
  source?: readonly string[];
  concurrency: string;
  controls: readonly DebugRouteControl[];
  steps: readonly DebugRouteStep[];
}

/** A bridge with its routes. */
export interface DebugBridge {
  name: string;
  nodeId: string;
  /** The sources it accepts, or `null` when it accepts every source. */
  authorized: readonly string[] | null;
  routes: readonly DebugRoute[];
}

/**
 * The running system's topology (`system.describe()`): its bridges, and the node allowed to speak
 * to the user. A type alias, not an interface, so it fits a `log_event`'s `metadata` record.
 */
export type DebugTopology = {
  bridges: readonly DebugBridge[];
  speakingNodeId?: string;
};

/** One phase of one route execution (`bus.trace()`), in the wire's snake_case. */
export type DebugTrace = {
  bridge: string;
  route_id: string;
  phase: "triggered" | "started" | "cancelled" | "ended";
  /** The event's alias (`user.stopped_speaking`) or class name. */
  event: string;
  generation_id?: string;
  /** When it happened, in ms since the epoch. */
  at: number;
};
