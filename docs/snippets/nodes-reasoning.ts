import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { OpenAIChat, contextToMessages, type ChatModel } from "@switchboard/openai";

/** A node on any chat model: the history becomes chat messages, the reply streams back. */
class AssistantNode extends ReasoningNode {
  readonly #llm: ChatModel;

  constructor(options: ReasoningNodeOptions & { llm: ChatModel }) {
    super(options);
    this.#llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    // context.events: the latest maxContextLength history events (transcripts, merged agent
    // turns, tool calls and results); context.formatEvents() renders them as plain text.
    const messages = contextToMessages(context);
    if (context.metadata["lang"] === "fr") {
      messages.push({ role: "system", content: "Answer in French." });
    }
    for await (const chunk of this.#llm.chat({ messages, signal: context.signal })) {
      if (chunk.content) yield chunk.content; // a string becomes an AgentResponse
    }
  }
}

const node = new AssistantNode({
  systemPrompt: "You are a concise voice assistant.",
  llm: new OpenAIChat({ model: "gpt-4o-mini" }),
  maxContextLength: 40, // default 100
  metadata: { lang: "fr" },
  nodeId: "assistant",
});
new Bridge(node).conversation(node);

// Outside a route, generate() works too (no signal): handy in unit tests.
node.addEvent(new AgentResponse({ content: "Hi! How can I help?" }));
for await (const event of node.generate()) console.log(event);
console.log(node.conversationEvents, node.clearContext());
