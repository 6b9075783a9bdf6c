export { Node, type NodeOptions } from "./node.js";
export { ReasoningNode, type ReasoningNodeOptions, type GeneratedEvent } from "./reasoning-node.js";
export { ConversationContext, type ConversationContextInit } from "./conversation-context.js";
export {
  GENERATION_METRICS,
  type GenerationMetrics,
  type TokenUsage,
} from "./generation-metrics.js";
