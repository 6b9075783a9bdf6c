// First: refuse to run beside a second copy of core (see internal/single-copy.ts).
import "./internal/single-copy.js";
export * from "./events.js";
export { registerEvent, eventAlias, eventClassFor, type EventClass } from "./event-registry.js";
export { Message, type MessageInit } from "./message.js";
export {
  Bus,
  type BusOptions,
  type BusStats,
  type BusState,
  type RouteFailure,
  type BusDescription,
  type BridgeDescription,
  type RouteDescription,
  type RouteTrace,
  type RouteTracePhase,
} from "./bus.js";
export {
  Bridge,
  type RouteOptions,
  type NodeLike,
  type ConversationalNode,
  type ConversationOptions,
  type ConversationRoutes,
  type BridgeState,
  type InputSource,
  type InputSources,
  type Where,
} from "./bridge.js";
export {
  RouteBuilder,
  type ConcurrencyMode,
  type ControlHandler,
  type ControlOptions,
  type StreamItem,
  type StreamSource,
  type GenerationBookkeeping,
  type StageOptions,
  type StageValue,
  type BroadcastArgs,
  type NotAnEvent,
  type RoutePhase,
  type SettingArgs,
  type SettingsAfterStep,
} from "./route-builder.js";
export type { RouteContext } from "./route-context.js";
export { SwitchboardError, isAbortError, toError, type SwitchboardErrorCode } from "./errors.js";
export { createLogger, type CreateLoggerOptions, type Logger } from "./logger.js";
export { delay, type DelayOptions } from "./delay.js";
export { formatZodIssues } from "./format-zod-issues.js";
export {
  readEnvConfig,
  configError,
  LOG_LEVELS,
  type EnvConfig,
  type LogLevel,
} from "./env-config.js";
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
