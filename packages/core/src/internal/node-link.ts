import type { Logger } from "../logger.js";

/** How a bridge hands its node a way to broadcast outside any route (metrics, background results). */
export const attachNode = Symbol("attachNode");

export type NodePublisher = (event: object) => void;

/** Implemented by `Node`; the bridge calls it when it is registered on a bus. */
export interface BusAwareNode {
  /** `busLog`: the bridge's logger on its bus, which a node without its own logger adopts. */
  [attachNode](publish: NodePublisher, busLog?: Logger): void;
}

export function isBusAwareNode(value: unknown): value is BusAwareNode {
  return typeof value === "object" && value !== null && attachNode in value;
}
