export {
  ConversationHarness,
  CloseCode,
  type ConversationHarnessOptions,
  type CloseInfo,
  type EndInfo,
  type HarnessStats,
} from "./conversation-harness.js";
export {
  GenerationFence,
  type InputPort,
  type Transport,
  type TransportEnd,
} from "@switchboard/protocol";
export {
  parseInputFrame,
  frameToEvent,
  INPUT_FRAME_TYPES,
  type InputFrame,
  type OutputFrame,
  type ParsedFrame,
} from "./frames.js";
export { createUserBridge, UserBridge, SYSTEM_SOURCE, USER_SOURCE } from "./user-bridge.js";
export {
  VoiceAgentSystem,
  type ShutdownReason,
  type VoiceAgentSystemOptions,
  type VoiceAgentSystemState,
} from "./voice-agent-system.js";
export {
  VoiceAgentApp,
  type CallHandler,
  type PreCallHandler,
  type PreCallResult,
  type VoiceAgentAppOptions,
  type ListenInfo,
} from "./voice-agent-app.js";
export {
  parseCallRequestBody,
  callRequestFromQuery,
  type CallRequest,
  type ParsedCallRequest,
} from "./call-request.js";
export { HANDOFF_TOOL_PREFIX } from "./handoff-tool-prefix.js";
export { endCall, transferCall, sendDtmf, handoffTool, CallAction } from "./system-tools/index.js";
