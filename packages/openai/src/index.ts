export type { ChatMessage, ChatMessageToolCall } from "./chat-message.js";
export type { ChatChunk, ChatModel, ChatRequest, ChatToolCall } from "./chat-model.js";
export { ChatModelError, toChatModelError, type ChatModelErrorKind } from "./chat-model-error.js";
export { OpenAIChat, type OpenAIChatOptions } from "./openai-chat.js";
export type {
  ChatCompletionStreamChunk,
  ChatCompletionStreamRequest,
  OpenAIChatClient,
} from "./openai-chat-client.js";
export { OpenAIChatNode, type OpenAIChatNodeOptions } from "./openai-chat-node.js";
export { ScriptedChat, type ScriptedChatOptions } from "./scripted-chat.js";
export {
  createChatModel,
  chatModelFromEnv,
  type CreateChatModelOptions,
} from "./chat-model-from-env.js";
export { contextToMessages, type ContextToMessagesOptions } from "./context-to-messages.js";
export { ToolCallAccumulator, type ToolCallDelta } from "./tool-call-accumulator.js";
