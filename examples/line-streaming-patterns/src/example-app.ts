import type { Logger } from "@switchboard/core";
import { createChatModel, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler, type VoiceAgentSystem } from "@switchboard/server";

/** What every example app takes: a model (default: real when configured, else scripted) and a logger. */
export interface ExampleOptions {
  llm?: ChatModel;
  logger?: Logger;
}

/**
 * The app of one pattern: the real model when `OPENAI_API_KEY`/`OPENAI_BASE_URL` is set, else the
 * offline scripted one.
 */
export function exampleApp(
  handler: (llm: ChatModel) => CallHandler,
  options: ExampleOptions = {},
): VoiceAgentApp {
  const logger = options.logger === undefined ? {} : { logger: options.logger };
  return new VoiceAgentApp(handler(options.llm ?? createChatModel(logger)), logger);
}

export const GREETING = "Hi! I stream my answers. Ask me anything.";

/** The end of every call handler: start the system, greet, and hold the call until it ends. */
export async function greetAndWait(system: VoiceAgentSystem, greeting = GREETING): Promise<void> {
  await system.start();
  await system.sendInitialMessage(greeting);
  await system.waitForShutdown();
}
