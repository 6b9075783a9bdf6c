import {
  AgentSpeechSent,
  Bridge,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type Logger,
} from "@switchboard/core";
import { createChatModel, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { ChatNode, GREETING } from "./chat-node.js";

/**
 * One call: a ChatNode behind the route every voice agent needs, then the greeting.
 * The route is spelled out (as in Line's example); `bridge.conversation(node)` is the one-line form.
 */
export function basicChat(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new ChatNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);

    bridge.on(UserTranscriptionReceived).map(node.addEvent);
    bridge.on(AgentSpeechSent).map(node.addEvent); // trims an interrupted turn to what was spoken
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
      .stream(node.generate)
      .broadcast();

    await system.start();
    await system.sendInitialMessage(GREETING);
    await system.waitForShutdown();
  };
}

/**
 * The demo app: the real model when `OPENAI_API_KEY`/`OPENAI_BASE_URL` is set, else the scripted one.
 * `playground` (default on: this is a demo) serves the browser playground at `/playground`.
 */
export function createBasicChatApp(
  options: { llm?: ChatModel; logger?: Logger; playground?: boolean } = {},
): VoiceAgentApp {
  const llm =
    options.llm ?? createChatModel(options.logger === undefined ? {} : { logger: options.logger });
  return new VoiceAgentApp(basicChat(llm), {
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    playground: options.playground ?? true,
  });
}
