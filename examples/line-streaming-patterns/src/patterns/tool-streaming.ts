import {
  Bridge,
  ReasoningNode,
  ToolRegistry,
  toToolCall,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";
import { getWeather } from "../weather-tool.js";

export const CHECKING = "Let me check that for you. ";

/**
 * Line's streaming with tool integration, as a hand-written loop: the model's text streams; a tool
 * call is yielded as a `ToolCall`, the user hears "let me check", the tool runs, its `ToolResult`
 * is yielded (both land in the history), and the model's follow-up on the result streams.
 */
export class ToolStreamingNode extends ReasoningNode {
  readonly llm: ChatModel;
  readonly tools = new ToolRegistry([getWeather]);

  constructor(options: Partial<ReasoningNodeOptions> & { llm: ChatModel }) {
    super({
      systemPrompt: "You are a weather assistant. Use get_weather for weather questions.",
      nodeId: "agent",
      ...options,
    });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const { signal } = context;
    let usedTools = false;
    for (let round = 0; round < 3; round++) {
      const messages = contextToMessages(context); // the history, tool calls and results included
      const calls = [];
      for await (const chunk of this.llm.chat({ messages, tools: this.tools, signal })) {
        if (chunk.content) yield chunk.content;
        calls.push(...(chunk.toolCalls ?? []));
      }
      if (calls.length === 0) return;
      usedTools = true;
      const toolCalls = calls.map(toToolCall);
      for (const call of toolCalls) yield call;
      yield CHECKING;
      for (const result of await this.tools.execute(toolCalls, { signal })) yield result;
    }
    if (usedTools) this.log.warn({ rounds: 3 }, "tool rounds exhausted");
  }
}

/** Streaming with tool integration: ToolCall, "let me check", then the follow-up on the ToolResult. */
export function toolStreaming(llm: ChatModel): CallHandler {
  return async (system) => {
    const node = new ToolStreamingNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await greetAndWait(system);
  };
}
