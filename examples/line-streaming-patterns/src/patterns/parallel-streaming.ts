import {
  AgentResponse,
  Bridge,
  mergeStreams,
  ReasoningNode,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatMessage, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

const SENTENCE = /^[\s\S]*?[.!?](?:\s+|$)/;

/**
 * Line's parallel streaming: two model requests run at once — the answer, and a follow-up
 * suggestion — and their sentences are spoken as they complete, whichever comes first
 * (`mergeStreams`). An interrupt rejects the merged stream and closes both requests.
 */
export class ParallelStreamingNode extends ReasoningNode {
  readonly llm: ChatModel;
  /** Streams that ran their `finally` (each closes its model request). */
  closedStreams = 0;

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel }) {
    super({ systemPrompt: "You are a helpful voice assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const history = contextToMessages(context);
    const suggestion: ChatMessage[] = [
      { role: "system", content: "Suggest one short follow-up question the user could ask." },
      ...history.filter((m) => m.role === "user").slice(-1),
    ];
    yield* mergeStreams(
      this.#sentences("answer", history, context.signal),
      this.#sentences("suggestion", suggestion, context.signal),
    );
  }

  /** One model request, sentence by sentence, so the two streams interleave at sentence ends. */
  async *#sentences(
    label: "answer" | "suggestion",
    messages: ChatMessage[],
    signal: AbortSignal,
  ): AsyncGenerator<AgentResponse> {
    let buffer = "";
    try {
      for await (const chunk of this.llm.chat({ messages, signal })) {
        buffer += chunk.content ?? "";
        for (let m = SENTENCE.exec(buffer); m !== null; m = SENTENCE.exec(buffer)) {
          buffer = buffer.slice(m[0].length);
          yield new AgentResponse({ content: m[0] });
        }
      }
      if (buffer.trim() !== "") yield new AgentResponse({ content: buffer });
    } finally {
      this.closedStreams += 1;
      this.log.debug({ stream: label }, "stream closed");
    }
  }
}

/** Parallel streaming with mergeStreams: an interrupt closes every stream. */
export function parallelStreaming(
  llm: ChatModel,
  nodes: ParallelStreamingNode[] = [],
): CallHandler {
  return async (system) => {
    const node = new ParallelStreamingNode({ llm, logger: system.log });
    nodes.push(node);
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await greetAndWait(system);
  };
}
