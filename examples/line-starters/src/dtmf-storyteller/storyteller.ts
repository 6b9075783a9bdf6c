import {
  AgentResponse,
  Bridge,
  DTMFInputEvent,
  DTMFOutputEvent,
  ReasoningNode,
  UserStartedSpeaking,
  type ConversationContext,
  type Logger,
} from "@switchboard/core";
import type { ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import type { OfflinePolicy } from "@switchboard/examples-kit";

const STORIES: Record<string, string> = {
  "1": "a dragon who is afraid of the dark",
  "2": "a lost robot on the moon",
};
export const MENU =
  "Press 1 for a dragon story, 2 for a space story, or # to hear this menu again.";

/**
 * Line's DTMF example as a storyteller: the caller picks a story on the keypad; the agent answers
 * with a tone (DTMF out) to confirm the choice, then streams the story. Pressing a key while it
 * talks interrupts the story and picks the next one.
 */
export class StorytellerNode extends ReasoningNode {
  readonly llm: ChatModel;

  constructor(options: { llm: ChatModel; logger?: Logger }) {
    super({
      nodeId: "storyteller",
      systemPrompt: "You tell short bedtime stories: three sentences, no lists.",
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const pressed = context.events.findLast((e) => e instanceof DTMFInputEvent);
    const topic = pressed === undefined ? undefined : STORIES[pressed.button];
    if (pressed === undefined || topic === undefined) {
      yield new AgentResponse({ content: MENU });
      return;
    }
    yield new DTMFOutputEvent({ button: pressed.button }); // the confirmation tone
    const messages = [
      { role: "system" as const, content: context.systemPrompt },
      { role: "user" as const, content: `Tell me a story about ${topic}.` },
    ];
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      if (chunk.content) yield chunk.content;
    }
  }
}

export function storyteller(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new StorytellerNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge
      .on(DTMFInputEvent)
      .interruptOn(DTMFInputEvent, node.onInterruptGenerate)
      .interruptOn(UserStartedSpeaking)
      .map((message) => (node.addEvent(message), message))
      .stream(node.generate)
      .broadcast();
    await system.start();
    await system.sendInitialMessage(`Welcome to the storyteller. ${MENU}`);
    await system.waitForShutdown();
  };
}

export function createStorytellerApp(llm: ChatModel): VoiceAgentApp {
  return new VoiceAgentApp(storyteller(llm));
}

/** The offline stand-in for the model: a canned story per topic. */
export const storyPolicy: OfflinePolicy = ({ lastUser }) => ({
  content: /dragon/.test(lastUser)
    ? "Once there was a dragon who feared the dark. Each night she lit one small flame. One night she let it go out, and saw the stars."
    : "A small robot woke up alone on the moon. It followed its own footprints home. Home was the blue planet in the sky.",
});
