import { Bridge, type BargeInOptions } from "@switchboard/core";
import type { ChatModel } from "@switchboard/openai";
import { VoiceAgentApp } from "@switchboard/server";
import { ChatNode, GREETING } from "./chat-node.js";

/**
 * The demo's node behind a conversation with a barge-in policy: talking over the agent holds its
 * answer; a backchannel ("mm-hmm"), a too-short utterance or silence resumes it where it was,
 * anything else cancels it (see docs/guide/barge-in.md).
 */
export function createBargeInChatApp(options: {
  llm: ChatModel;
  bargeIn?: BargeInOptions;
  playground?: boolean;
}): VoiceAgentApp {
  return new VoiceAgentApp(
    async (system) => {
      const node = new ChatNode({ llm: options.llm, logger: system.log });
      const bridge = new Bridge(node);
      system.withSpeakingNode(node, bridge);
      bridge.conversation(node, { bargeIn: options.bargeIn ?? {} });
      await system.start();
      await system.sendInitialMessage(GREETING);
      await system.waitForShutdown();
    },
    { playground: options.playground ?? false },
  );
}
