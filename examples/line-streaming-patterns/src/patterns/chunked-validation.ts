import {
  AgentGenerationComplete,
  AgentResponse,
  Bridge,
  ReasoningNode,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

/** Long digit runs (card or account numbers) are never spoken back. */
const DIGITS = /\d{4,}/g;

/** Line's chunk validation: a chunk that is only whitespace is skipped; digits are masked. */
export function validateChunk(text: string): string | undefined {
  if (text.trim() === "") return undefined;
  return text.replace(DIGITS, (run) => "*".repeat(run.length));
}

/**
 * Line's chunked processing: each chunk is validated and processed on its way out, the node
 * counts what it sent, and ends with its own `AgentGenerationComplete` carrying those totals.
 */
export class ValidatedStreamingNode extends ReasoningNode {
  readonly llm: ChatModel;

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel }) {
    super({ systemPrompt: "You are a careful banking assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    let totalLength = 0;
    let chunkCount = 0;
    const messages = contextToMessages(context);
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      const content = chunk.content === undefined ? undefined : validateChunk(chunk.content);
      if (content === undefined) continue;
      totalLength += content.length;
      chunkCount += 1;
      yield new AgentResponse({ content });
    }
    yield new AgentGenerationComplete({ totalLength, chunkCount });
  }
}

/** Chunked processing with validation, ending with the node's own AgentGenerationComplete. */
export function chunkedValidation(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new ValidatedStreamingNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await greetAndWait(system);
  };
}
