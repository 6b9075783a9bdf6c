export {
  ConversationRunner,
  type AgentServer,
  type ConversationRunnerOptions,
  type TranscriptLine,
} from "./conversation-runner.js";
