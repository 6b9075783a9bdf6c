import { describe, expectTypeOf, it } from "vitest";
import { Bridge } from "./bridge.js";
import {
  AgentGenerationComplete,
  AgentResponse,
  LogMetric,
  ToolCall,
  UserStoppedSpeaking,
} from "./events.js";
import { ReasoningNode } from "./nodes/reasoning-node.js";
import type { ConversationContext } from "./nodes/conversation-context.js";
import type { RouteBuilder } from "./route-builder.js";

class Talker extends ReasoningNode<AgentResponse> {
  protected override async *processContext(_context: ConversationContext) {
    yield new AgentResponse({ content: "hi" });
  }
}
class Mixed extends ReasoningNode<string | ToolCall> {
  protected override async *processContext(_context: ConversationContext) {
    yield "text";
    yield new ToolCall({ toolName: "t", toolArgs: {}, toolCallId: "1" });
  }
}

describe("x", () => {
  it("y", () => {
    const node = new Talker({ systemPrompt: "" });
    const bridge = new Bridge(node);
    const r = bridge.on(UserStoppedSpeaking).stream(node.generate);
    expectTypeOf(r).toEqualTypeOf<RouteBuilder<AgentResponse, UserStoppedSpeaking>>();
    const m = new Mixed({ systemPrompt: "" });
    expectTypeOf(bridge.on(UserStoppedSpeaking).stream(m.generate)).toEqualTypeOf<
      RouteBuilder<AgentResponse | ToolCall, UserStoppedSpeaking>
    >();
    async function* clean(chunk: AgentResponse) {
      yield new AgentResponse({ content: chunk.content.trim() });
    }
    const c = r.stream(clean).stream(clean);
    expectTypeOf(c).toEqualTypeOf<RouteBuilder<AgentResponse, UserStoppedSpeaking>>();
    r.map((v) => expectTypeOf(v).toEqualTypeOf<AgentResponse>());
    r.map(
      (v) => expectTypeOf(v).toEqualTypeOf<AgentResponse | AgentGenerationComplete | LogMetric>(),
      { all: true },
    );
  });
});
