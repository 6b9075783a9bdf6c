import { UserTranscriptionReceived } from "@switchboard/core";
import { OpenAIChatNode, ScriptedChat, createChatModel } from "@switchboard/openai";
import { getWeather } from "./weather-tool.js";

// The offline model: no key, no network. It greets, calls get_weather (when offered) for
// weather questions, says goodbye and calls end_call on "bye", and otherwise echoes.
const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 }); // default 350 / 40

// Or let the environment decide: OpenAIChat with OPENAI_API_KEY / OPENAI_BASE_URL
// (model OPENAI_MODEL, default gpt-4o-mini), else ScriptedChat.
const fromEnv = createChatModel({ scripted: { interTokenDelayMs: 10 } });

// A node can be tested on its own, without a bus: generate() runs one turn.
const node = new OpenAIChatNode({ systemPrompt: "Be brief.", llm, tools: [getWeather] });
node.addEvent(new UserTranscriptionReceived({ content: "What's the weather in Paris?" }));
const events: object[] = [];
for await (const event of node.generate()) {
  events.push(event); // AgentResponse chunks, ToolCall, ToolResult, ..., AgentGenerationComplete
}
console.log(events, node.conversationEvents, fromEnv);
