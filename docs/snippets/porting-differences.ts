import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  ToolRegistry,
  UserTranscriptionReceived,
  isAbortError,
  toToolCall,
  type ConversationContext,
} from "@switchboard/core";
import { contextToMessages, createChatModel } from "@switchboard/openai";
import { getWeather } from "./weather-tool.js";

const bridge = new Bridge("agent");

// 1. Line: `.map(lambda m: None if too_short(m) else m)` skips the broadcast by returning None.
//    Here `.map` passes every value on (undefined included): skip with `.filter()`.
bridge
  .on(UserTranscriptionReceived)
  .filter((m) => m.event.content.trim().length > 3)
  .map((m) => new AgentResponse({ content: `Heard: ${m.event.content}` }))
  .broadcast();

// 2. A subclass of a built-in event keeps its parent's alias: `bridge.on("agent.*")` and
//    `bridge.on(AgentResponse)` both match it; register an alias of its own to tell it apart.
class SpokenSummary extends AgentResponse {}
bridge.on("agent.response").map((m) => m.event instanceof SpokenSummary);

class WeatherNode extends ReasoningNode {
  readonly llm = createChatModel();
  readonly tools = new ToolRegistry([getWeather]);

  protected override async *processContext(context: ConversationContext) {
    const { signal } = context;
    // 3. Line's `logger.info(f"...")` (loguru): `this.log`, a pino child logger bound to the node id.
    this.log.info({ events: context.events.length }, "answering");
    try {
      const messages = contextToMessages(context);
      for await (const chunk of this.llm.chat({ messages, tools: this.tools, signal })) {
        if (chunk.content) yield chunk.content;
        // 4. A hand-written tool loop: toToolCall parses the model's call once; the registry
        //    turns every outcome (bad arguments, a throw, a timeout) into its ToolResult.
        for (const modelCall of chunk.toolCalls ?? []) {
          const call = toToolCall(modelCall);
          yield call;
          const [result] = await this.tools.execute([call], { signal });
          if (result !== undefined) yield result;
        }
      }
    } catch (error) {
      // 5. Line's `except asyncio.CancelledError:` — an interrupt is an AbortError. Clean up, then
      //    rethrow it: the framework ends a cancelled generation on it quietly.
      if (isAbortError(error)) this.log.debug({}, "interrupted");
      throw error;
    }
  }
}

export { SpokenSummary, WeatherNode, bridge };
