import {
  Bridge,
  defineTool,
  fillerAfter,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { z } from "zod";
import type { OfflinePolicy } from "@switchboard/examples-kit";

export const STILL_CHECKING = "Still checking, one moment. ";

/**
 * Atoms' intermediate feedback: while a slow tool runs, the caller is not left in silence. The
 * route's `fillerAfter` says "still checking" after every `ms` of silence (up to `maxTimes`),
 * and the answer streams the moment the tool is done.
 */
export function slowToolFeedback(
  llm: ChatModel,
  options: {
    lookup?: (order: string) => Promise<string>;
    fillerMs?: number;
    maxFillers?: number;
  } = {},
): CallHandler {
  const lookup = options.lookup ?? (async () => "shipped yesterday, arriving Friday");
  const trackOrder = defineTool({
    name: "track_order",
    description: "Where an order is (slow: it asks the warehouse).",
    parameters: z.object({ order: z.string() }),
    execute: async ({ order }) => ({ order, status: await lookup(order) }),
  });
  return async (system) => {
    const node = new OpenAIChatNode({
      nodeId: "agent",
      systemPrompt: "You help customers track orders with track_order.",
      llm,
      tools: [trackOrder],
      fillerAfterMs: Number.POSITIVE_INFINITY, // the route's filler speaks instead
      logger: system.log,
    });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.on(UserTranscriptionReceived).map(node.addEvent);
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
      .stream(node.generate)
      .pipe(
        fillerAfter({
          ms: options.fillerMs ?? 1500,
          text: STILL_CHECKING,
          maxTimes: options.maxFillers ?? 3,
        }),
      )
      .broadcast();
    await system.start();
    await system.sendInitialMessage("Hi! Which order can I track for you?");
    await system.waitForShutdown();
  };
}

export function createSlowToolApp(
  llm: ChatModel,
  options?: Parameters<typeof slowToolFeedback>[1],
): VoiceAgentApp {
  return new VoiceAgentApp(slowToolFeedback(llm, options));
}

/** The offline stand-in: look the order up, then say what the warehouse said. */
export const orderPolicy: OfflinePolicy = ({ lastUser, toolResults }) => {
  const result = toolResults.at(-1);
  if (result !== undefined) {
    const { order, status } = JSON.parse(result) as { order: string; status: string };
    return { content: `Order ${order} ${status}.` };
  }
  const order = /\b(\d{3,})\b/.exec(lastUser)?.[1] ?? "unknown";
  return { toolCalls: [{ name: "track_order", arguments: { order } }] };
};
