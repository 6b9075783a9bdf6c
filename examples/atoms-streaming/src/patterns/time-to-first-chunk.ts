import {
  Bridge,
  LogMetric,
  ReasoningNode,
  type ConversationContext,
  type Logger,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";

export const MODEL_TTFC = "llm.ttfc_ms";

/**
 * Atoms' time-to-first-chunk measurement: the node times its model request to the first token
 * and reports it as a `LogMetric` of the generation (a `log_metric` frame with its
 * `generation_id`). The framework measures its own per generation — `ttfc_ms` from the end of
 * the user's turn, in the `generation_complete` frame's metadata — and clients measure theirs
 * (`reply.ttfcMs`).
 */
export class TimedNode extends ReasoningNode {
  readonly llm: ChatModel;

  constructor(options: { llm: ChatModel; logger?: Logger }) {
    super({
      nodeId: "agent",
      systemPrompt: "You are a helpful voice assistant.",
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const startedAt = performance.now();
    let first = true;
    const messages = contextToMessages(context);
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      if (!chunk.content) continue;
      if (first) {
        first = false;
        const ms = Math.round((performance.now() - startedAt) * 100) / 100;
        this.log.info({ ttfcMs: ms }, "first model chunk");
        yield new LogMetric({ name: MODEL_TTFC, value: ms });
      }
      yield chunk.content;
    }
  }
}

export function timeToFirstChunk(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new TimedNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await system.start();
    await system.waitForShutdown();
  };
}

export function createTtfcApp(llm: ChatModel): VoiceAgentApp {
  return new VoiceAgentApp(timeToFirstChunk(llm));
}
