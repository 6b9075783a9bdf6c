import { OpenAIChat } from "@switchboard/openai";
import { FakeOpenAIServer, HarnessClient } from "@switchboard/testing";

const model = await FakeOpenAIServer.start();
model.enqueue({ content: "Hello from a fake model." });
const llm = new OpenAIChat({ model: "gpt-4o-mini", baseURL: model.baseURL, apiKey: "test" });
// ...serve your agent on `llm` (a VoiceAgentApp listening on port 8000), then:
const client = await HarnessClient.connect("ws://127.0.0.1:8000/ws");
await client.say("hi");
console.log((await client.reply()).text, llm.model);
await client.close();
await model.close();
