import { Bridge } from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode } from "@switchboard/openai";

const node = new OpenAIChatNode({
  systemPrompt: "You are a helpful voice agent.",
  llm: new OpenAIChat({ model: "gpt-4o-mini" }), // or { baseURL: "http://localhost:11434/v1" }
});
new Bridge(node).conversation(node);
