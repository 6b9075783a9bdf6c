import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

const SENTENCE_END = /[.!?]["')\]]?\s*$/;

/**
 * Line's buffered streaming: chunks are held until the buffer reaches `bufferSize` characters or
 * ends a sentence, then sent as one `"buffered"` chunk (fewer, larger pieces for the TTS); what is
 * left at the end goes out as the `"final"` chunk.
 */
export class BufferedStreamingNode extends ReasoningNode {
  readonly llm: ChatModel;
  readonly bufferSize: number;

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel; bufferSize?: number }) {
    super({ systemPrompt: "You are a helpful voice assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
    this.bufferSize = options.bufferSize ?? 50;
  }

  protected override async *processContext(context: ConversationContext) {
    let buffer = "";
    const messages = contextToMessages(context);
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      buffer += chunk.content ?? "";
      if (buffer.length >= this.bufferSize || SENTENCE_END.test(buffer)) {
        yield new AgentResponse({ content: buffer, chunkType: "buffered" });
        buffer = "";
      }
    }
    if (buffer.trim() !== "") yield new AgentResponse({ content: buffer, chunkType: "final" });
  }
}

/** Buffered streaming, by size or at a sentence end. */
export function bufferedStreaming(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new BufferedStreamingNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await greetAndWait(system);
  };
}
