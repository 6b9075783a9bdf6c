import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type ConversationContext,
  type Message,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

/** What the node saw of one interrupt: how many generations had cleaned up when the handler ran. */
export interface InterruptRecord {
  cleanupsDone: number;
  event: object;
}

/**
 * Line's interruption-aware streaming: the generation cleans up in `finally` (it runs on a normal
 * end and on an interrupt alike), and the interrupt handler runs only after that teardown. The
 * history keeps what was delivered, marked `interrupted`.
 */
export class InterruptibleNode extends ReasoningNode {
  readonly llm: ChatModel;
  /** Generations that ran their cleanup. */
  cleanups = 0;
  readonly interrupts: InterruptRecord[] = [];

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel }) {
    super({ systemPrompt: "You are a helpful voice assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const messages = contextToMessages(context);
    try {
      for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
        if (chunk.content) yield new AgentResponse({ content: chunk.content });
      }
    } finally {
      this.cleanups += 1; // release per-generation resources here (a TTS stream, a lock, a timer)
      this.log.debug({ interrupted: context.signal.aborted }, "generation cleaned up");
    }
  }

  override onInterruptGenerate(message: Message): void {
    this.interrupts.push({ cleanupsDone: this.cleanups, event: message.event });
  }
}

/** Interruption-aware streaming: cleanup in `finally`, the handler after teardown, history marked. */
export function interruptionAware(llm: ChatModel, nodes: InterruptibleNode[] = []): CallHandler {
  return async (system) => {
    const node = new InterruptibleNode({ llm, logger: system.log });
    nodes.push(node);
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
