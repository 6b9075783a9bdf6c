import { Bridge, defineTool, type Tool } from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { z } from "zod";
import type { OfflinePolicy } from "@switchboard/examples-kit";

/** Hooks a test (or a demo) uses to watch the tools run; the default tools do nothing extra. */
export interface ToolHooks {
  /** Called when a tool starts; the tool waits for the promise it returns, if any. */
  started?: (name: string) => Promise<void> | void;
}

/** Two slow lookups the model can call together. */
export function travelTools(hooks: ToolHooks = {}): Tool[] {
  return [
    defineTool({
      name: "get_weather",
      description: "The weather in a city.",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        await hooks.started?.("get_weather");
        return { city, tempC: 18, conditions: "clear" };
      },
    }),
    defineTool({
      name: "get_flight_status",
      description: "The status of a flight.",
      parameters: z.object({ flight: z.string() }),
      execute: async ({ flight }) => {
        await hooks.started?.("get_flight_status");
        return { flight, status: "on time", gate: "B12" };
      },
    }),
  ];
}

/**
 * Atoms' streaming with tools: the model asks for several tools in one turn; they run in
 * parallel (`OpenAIChatNode` runs a round's calls together through the `ToolRegistry`), and the
 * follow-up that uses every result is streamed.
 */
export function parallelTools(llm: ChatModel, hooks: ToolHooks = {}): CallHandler {
  return async (system) => {
    const node = new OpenAIChatNode({
      nodeId: "agent",
      systemPrompt: "You are a travel assistant. Call every tool you need at once.",
      llm,
      tools: travelTools(hooks),
      logger: system.log,
    });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await system.start();
    await system.sendInitialMessage("Hi! Ask me about your trip.");
    await system.waitForShutdown();
  };
}

export function createParallelToolsApp(llm: ChatModel, hooks?: ToolHooks): VoiceAgentApp {
  return new VoiceAgentApp(parallelTools(llm, hooks));
}

/** The offline stand-in: both tools at once, then one answer from both results. */
export const travelPolicy: OfflinePolicy = ({ toolResults }) => {
  if (toolResults.length === 0) {
    return {
      content: "Let me check both.",
      toolCalls: [
        { name: "get_weather", arguments: { city: "Lisbon" } },
        { name: "get_flight_status", arguments: { flight: "TP123" } },
      ],
    };
  }
  const [weather, flight] = toolResults.map((r) => JSON.parse(r) as Record<string, unknown>);
  return {
    content: `Flight ${String(flight?.["flight"])} is ${String(flight?.["status"])} at gate ${String(flight?.["gate"])}, and Lisbon is ${String(weather?.["tempC"])} degrees and ${String(weather?.["conditions"])}.`,
  };
};
