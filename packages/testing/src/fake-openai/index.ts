export {
  FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  type FakeOpenAIServerState,
} from "./fake-openai-server.js";
export type {
  AbortedRequest,
  ChatCompletionRequestBody,
  FakeErrorReply,
  FakeReply,
  FakeReplyHandler,
  FakeToolCall,
  RecordedRequest,
} from "./fake-reply.js";
