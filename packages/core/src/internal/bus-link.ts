import type { Logger } from "../logger.js";
import type { Message } from "../message.js";
import type { Execution } from "./execution.js";

/** Symbols of the bus↔bridge protocol: reachable inside the package, never exported. */
export const attachToBus = Symbol("attachToBus");
export const deliverMessage = Symbol("deliverMessage");
export const applyControls = Symbol("applyControls");
export const startBridge = Symbol("startBridge");
export const stopBridge = Symbol("stopBridge");
export const bridgeStats = Symbol("bridgeStats");

/** What a bridge gets from the bus it is registered on. */
export interface BusLink {
  readonly log: Logger;
  /** How long a cancelled execution may take to tear down before it is abandoned. */
  readonly teardownTimeoutMs: number;
  /** Publishes a message on behalf of a route execution; dropped if that execution was cancelled. */
  publish(execution: Execution | undefined, message: Message): void | PromiseLike<void>;
  reportError(error: RouteFailure): void;
}

/** A route step, filter or handler threw. */
export interface RouteFailure {
  readonly bridge: string;
  readonly route: string;
  readonly message: Message;
  readonly error: unknown;
}
