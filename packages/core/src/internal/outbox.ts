import type { Context } from "@opentelemetry/api";
import type { Bus, RouteFailure, RouteTracePhase } from "../bus.js";
import { SwitchboardError } from "../errors.js";
import type { Logger } from "../logger.js";
import { Message } from "../message.js";
import type { Generation } from "./generation.js";

/** The bus's default `teardownTimeoutMs`, also used by a bridge not on a bus yet. */
export const DEFAULT_TEARDOWN_TIMEOUT_MS = 2000;

/**
 * The one way up from a bridge to its bus. Everything a bridge sends — a route's broadcast, an
 * input source's events, `Bridge.publish`, a node's own `publish` — goes through
 * {@link Outbox.publish}, the only place a `Message` is built from an event; errors and trace
 * points go up the same way.
 */
export class Outbox {
  /** The id every message from this outbox carries as `source`. */
  readonly nodeId: string;
  #bus: Bus | undefined;
  #name: string | undefined;
  /** The bus's logger; this bridge's child of it is made on first use (most bridges never log). */
  #busLog: Logger | undefined;
  #log: Logger | undefined;

  constructor(nodeId: string) {
    this.nodeId = nodeId;
  }

  /**
   * Called by `Bus.registerBridge`: from now on this outbox publishes on `bus`, and logs on a child
   * of `busLog` bound to the bridge's name.
   */
  attach(bus: Bus, name: string, busLog: Logger): void {
    if (this.#bus !== undefined && this.#bus !== bus) {
      throw new SwitchboardError(
        "ROUTE_CONFIG",
        `bridge "${this.nodeId}" is already registered on another bus`,
      );
    }
    this.#bus = bus;
    this.#name = name;
    this.#busLog = busLog;
  }

  get attached(): boolean {
    return this.#bus !== undefined;
  }

  /** The name the bridge was registered under (its node id until then). */
  get bridgeName(): string {
    return this.#name ?? this.nodeId;
  }

  get log(): Logger {
    if (this.#log !== undefined) return this.#log;
    if (this.#busLog === undefined) throw this.#notOnBus();
    this.#log = this.#busLog.child({ bridge: this.bridgeName });
    return this.#log;
  }

  /** The parent of this bridge's generation spans: its bus's `traceContext`, if any. */
  get traceContext(): Context | undefined {
    return this.#bus?.traceContext;
  }

  /** How long a cancelled generation may take to tear down before it is abandoned. */
  get teardownTimeoutMs(): number {
    return this.#bus?.teardownTimeoutMs ?? DEFAULT_TEARDOWN_TIMEOUT_MS;
  }

  /**
   * Publishes `event` as this bridge's node. With a `generation`, the message carries its
   * `generationId` and is dropped if that generation is cancelled before delivery.
   */
  publish(event: object, generation?: Generation): void | Promise<void> {
    const bus = this.#bus;
    if (bus === undefined) throw this.#notOnBus();
    const message = new Message({
      source: this.nodeId,
      event,
      generationId: generation?.generationId,
    });
    return bus.enqueue(message, generation);
  }

  /** Passes on a message built elsewhere (an input source that yields whole `Message`s). */
  forward(message: Message): void | Promise<void> {
    const bus = this.#bus;
    if (bus === undefined) throw this.#notOnBus();
    return bus.enqueue(message, undefined);
  }

  reportError(route: string, message: Message, error: unknown): void {
    const failure: RouteFailure = { bridge: this.nodeId, route, message, error };
    this.#bus?.reportError(failure, this.log);
  }

  /** True while someone listens to `bus.trace()`: routes check it before building a trace point. */
  get tracing(): boolean {
    return this.#bus?.tracing === true;
  }

  trace(
    routeId: string,
    phase: RouteTracePhase,
    message: Message,
    generation: Generation | undefined,
  ): void {
    this.#bus?.emitTrace(this.bridgeName, routeId, phase, message, generation);
  }

  #notOnBus(): SwitchboardError {
    return new SwitchboardError(
      "ROUTE_CONFIG",
      `bridge "${this.nodeId}" is not registered on a bus`,
    );
  }
}

/** The outbox a node publishes through (its bridge's); set when the bridge is constructed. */
const nodeOutboxes = new WeakMap<object, Outbox>();

export function setNodeOutbox(node: object, outbox: Outbox): void {
  nodeOutboxes.set(node, outbox);
}

/** The logger of a node's bridge once that bridge is on a bus (the app's), else `undefined`. */
export function busLogOfNode(node: object): Logger | undefined {
  const outbox = nodeOutboxes.get(node);
  return outbox?.attached === true ? outbox.log : undefined;
}

/** Where a node's generation spans hang: its bridge's bus's trace context, and the bridge's name. */
export function traceParentOfNode(
  node: object,
): { traceContext: Context | undefined; bridge: string } | undefined {
  const outbox = nodeOutboxes.get(node);
  return outbox === undefined
    ? undefined
    : { traceContext: outbox.traceContext, bridge: outbox.bridgeName };
}

/** `Node.publish`: through its bridge's outbox once that bridge is on a bus, a no-op before. */
export function publishFromNode(node: object, event: object): void {
  const outbox = nodeOutboxes.get(node);
  if (outbox?.attached === true) void outbox.publish(event);
}
