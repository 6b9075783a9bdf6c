export * from "./events.js";
export { registerEvent, eventAlias, eventClassFor, type EventClass } from "./event-registry.js";
export { Message, type MessageInit } from "./message.js";
export { Bus, type BusOptions, type BusStats, type RouteFailure } from "./bus.js";
export {
  Bridge,
  type RouteOptions,
  type NodeLike,
  type ConversationalNode,
  type ConversationOptions,
  type ConversationRoutes,
  type InputSource,
  type LineStyleInput,
  type Where,
} from "./bridge.js";
export {
  RouteBuilder,
  type ConcurrencyMode,
  type ControlHandler,
  type ControlOptions,
  type StreamItem,
  type StreamSource,
  type BroadcastArgs,
  type NotAnEvent,
} from "./route-builder.js";
export type { RouteContext } from "./route-context.js";
export { SwitchboardError, isAbortError, toError, type SwitchboardErrorCode } from "./errors.js";
export { createLogger, type Logger } from "./logger.js";
export { delay, type DelayOptions } from "./delay.js";
export { formatZodIssues } from "./format-zod-issues.js";
export * from "./operators/index.js";
export * from "./tools/index.js";
export * from "./nodes/index.js";
export {
  BACKCHANNELS,
  DEFAULT_BACKCHANNELS,
  type BackchannelLanguage,
} from "./barge-in/backchannels.js";
export {
  BARGE_IN_DEFAULTS,
  type BargeInOptions,
  type UninterruptibleMode,
} from "./barge-in/barge-in-options.js";
