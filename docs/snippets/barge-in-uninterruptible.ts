import { AgentResponse, Bridge, ReasoningNode, type ConversationContext } from "@switchboard/core";

class SupportNode extends ReasoningNode {
  protected async *processContext(_context: ConversationContext) {
    // Delivered whole: an interrupt arriving meanwhile takes effect after "recorded.".
    yield new AgentResponse({ content: "This call is ", interruptible: false });
    yield new AgentResponse({ content: "recorded. ", interruptible: false });
    yield "How can I help?";
  }
}

const node = new SupportNode({ systemPrompt: "Support.", nodeId: "support" });
let greeted = false;
new Bridge(node).conversation(node, {
  bargeIn: {},
  // A whole generation can be uninterruptible too: here, the first one.
  interruptible: () => {
    const first = !greeted;
    greeted = true;
    return !first;
  },
  // An interrupt during uninterruptible output is dropped instead of deferred.
  onUninterruptible: "drop",
});
