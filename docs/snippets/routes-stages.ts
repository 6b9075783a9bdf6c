import {
  AgentGenerationComplete,
  AgentResponse,
  Bridge,
  ReasoningNode,
  UserStoppedSpeaking,
  type ConversationContext,
} from "@switchboard/core";

// Naming what processContext yields types generate, and so every stage after it.
class Talker extends ReasoningNode<AgentResponse> {
  protected override async *processContext(_context: ConversationContext) {
    yield new AgentResponse({ content: "  Your card   ends in 4242. " });
  }
}

// A stage takes the previous stage's item: no `object`, no isinstance check, no forwarding.
async function* clean(chunk: AgentResponse) {
  yield new AgentResponse({ content: chunk.content.replace(/\s+/g, " ") });
}

const node = new Talker({ systemPrompt: "Be brief." });
const bridge = new Bridge(node);
bridge
  .on(UserStoppedSpeaking)
  .stream(node.generate) // RouteBuilder<AgentResponse>: the bookkeeping is left out
  .stream(clean) // sees AgentResponse only; LogMetric and the completion pass it untouched
  .map((chunk) => new AgentResponse({ content: chunk.content.replace(/\d/g, "#") }))
  .broadcast(); // ...and arrive here in order: the chunks, then one completion, last

// A stage that wants the bookkeeping asks for it, and forwards what it keeps.
new Bridge("auditor")
  .on(UserStoppedSpeaking)
  .stream(node.generate)
  .map(
    (event) => {
      if (event instanceof AgentGenerationComplete) console.log("turn done", event.chunkCount);
      return event;
    },
    { all: true },
  )
  .broadcast();
