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
  type SystemDescription,
} from "./voice-agent-system.js";
export {
  VoiceAgentApp,
  type CallHandler,
  type PreCallHandler,
  type PreCallResult,
  type VoiceAgentAppOptions,
  type ListenInfo,
  type AppRunOptions,
} from "./voice-agent-app.js";
export type { Readiness, NotReadyReason } from "./admission.js";
export type { WorkerCount } from "./worker-pool.js";
export {
  parseCallRequestBody,
  callRequestFromQuery,
  checkMetadata,
  type CallRequest,
  type MetadataLimits,
  type ParsedCallRequest,
} from "./call-request.js";
export {
  signCallToken,
  verifyCallToken,
  type SignCallTokenOptions,
  type VerifyCallTokenOptions,
  type VerifiedCallToken,
} from "./call-token.js";
export { AGENT_ERROR_CONTENT, AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";
export { HANDOFF_TOOL_PREFIX } from "./handoff-tool-prefix.js";
export { endCall, transferCall, sendDtmf, handoffTool, CallAction } from "./system-tools/index.js";
