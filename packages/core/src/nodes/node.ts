import { publishFromNode } from "../internal/outbox.js";
import { createLogger, type Logger } from "../logger.js";
import type { Message } from "../message.js";

/** Options every node takes. */
export interface NodeOptions {
  /** The id the node's bridge broadcasts as. Default: the class name in kebab case plus a counter. */
  nodeId?: string;
  /** A pino-compatible logger; default: pino at `LOG_LEVEL`. */
  logger?: Logger;
}

const counters = new Map<string, number>();

function defaultId(className: string): string {
  const base = className.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase() || "node";
  const n = (counters.get(base) ?? 0) + 1;
  counters.set(base, n);
  return `${base}-${n}`;
}

/**
 * Something that takes part in a conversation: it has an id, a lifecycle, and can broadcast
 * events of its own once its bridge is on a bus. Methods work when passed unbound.
 * @example
 * class Logger extends Node {
 *   record(message: Message) { this.log.info({ event: message.event }, "seen"); }
 * }
 * const node = new Logger({ nodeId: "logger" });
 * new Bridge(node).on("*").map(node.record);
 */
export abstract class Node {
  readonly id: string;
  protected readonly log: Logger;

  constructor(options: NodeOptions = {}) {
    this.id = options.nodeId ?? defaultId(new.target.name);
    this.log = (options.logger ?? createLogger()).child({ node: this.id });
    this.start = this.start.bind(this);
    this.cleanup = this.cleanup.bind(this);
    this.onInterruptGenerate = this.onInterruptGenerate.bind(this);
  }

  /** Called when the system starts. */
  start(): void | Promise<void> {}

  /** Called when the system shuts down; release what the node holds. */
  cleanup(): void | Promise<void> {}

  /** Called by `interruptOn(..., node.onInterruptGenerate)` after a generation was cancelled. */
  onInterruptGenerate(_message: Message): void | Promise<void> {}

  /**
   * Broadcasts an event from this node outside any route (not fenced by a generation).
   * A no-op until the node's bridge is registered on a bus.
   */
  protected publish(event: object): void {
    publishFromNode(this, event);
  }
}
