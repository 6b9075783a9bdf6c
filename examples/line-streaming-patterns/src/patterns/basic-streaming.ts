import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

/** Line's `StreamingChatNode`: formats the history for the model and yields each chunk as it arrives. */
export class StreamingChatNode extends ReasoningNode<AgentResponse> {
  readonly llm: ChatModel;

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel }) {
    super({ systemPrompt: "You are a helpful voice assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const messages = contextToMessages(context);
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      if (chunk.content) yield new AgentResponse({ content: chunk.content });
    }
  }
}

/** Basic streaming: every chunk is broadcast the moment the model yields it. */
export function basicStreaming(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new StreamingChatNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.on(UserTranscriptionReceived).map(node.addEvent);
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
      .stream(node.generate)
      .broadcast();
    await greetAndWait(system);
  };
}
