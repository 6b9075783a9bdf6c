import type { Logger, Tool, ToolRegistry } from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { endCall } from "@switchboard/server";
import { getWeather } from "./get-weather.js";

export const SYSTEM_PROMPT = `You are a friendly voice assistant on a phone call.
Answer in one to three short spoken sentences: no lists, no markdown.
Use get_weather for weather questions. When the user says goodbye, call end_call with a short goodbye.`;

export const GREETING =
  "Hello! I'm the Switchboard demo agent. Ask me anything, or about the weather.";

/** Line's basic-chat `ChatNode`, on Switchboard's OpenAI node: the model, its tools, the prompt. */
export class ChatNode extends OpenAIChatNode {
  constructor(options: {
    llm: ChatModel;
    tools?: ToolRegistry | readonly Tool[];
    nodeId?: string;
    logger?: Logger;
  }) {
    super({
      nodeId: options.nodeId ?? "agent",
      ...(options.logger !== undefined && { logger: options.logger }),
      systemPrompt: SYSTEM_PROMPT,
      llm: options.llm,
      tools: options.tools ?? [getWeather, endCall],
    });
  }
}
