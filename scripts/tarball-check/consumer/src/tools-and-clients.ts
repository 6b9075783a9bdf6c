// A user's own zod 4 schema, rxjs operator and openai client, all through the published types.
import {
  Bridge,
  Bus,
  defineTool,
  Message,
  ToolRegistry,
  UserStoppedSpeaking,
  AgentResponse,
} from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { FakeOpenAIServer } from "@switchboard/testing";
import OpenAI from "openai";
import { map, type OperatorFunction } from "rxjs";
import { z } from "zod";

// A tool with a zod 4 schema.
const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});
const tools = new ToolRegistry([getWeather]);
const [result] = await tools.execute([
  { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
]);
if (result?.resultStr !== '{"city":"Paris","tempC":21}')
  throw new Error(`tool: ${result?.resultStr}`);
const schema = tools.schemas[0]?.function.parameters;
if (JSON.stringify(schema?.["required"]) !== '["city"]')
  throw new Error(`schema: ${JSON.stringify(schema)}`);
console.log("zod 4 tool: ok");

// The user's own openai client instance, against a loopback fake of the API.
const server = await FakeOpenAIServer.start();
try {
  server.enqueue({ content: "Hello from the fake model." });
  const client = new OpenAI({ baseURL: server.baseURL, apiKey: "test", maxRetries: 0 });
  const llm: ChatModel = new OpenAIChat({ model: "gpt-4o-mini", client });
  let text = "";
  for await (const chunk of llm.chat({ messages: [{ role: "user", content: "Hi" }] }))
    text += chunk.content ?? "";
  if (text !== "Hello from the fake model.")
    throw new Error(`openai client: ${JSON.stringify(text)}`);
  console.log("user's openai client: ok");

  // The user's own rxjs operator in a route's .pipe().
  server.enqueue({ content: "shout this" });
  const node = new OpenAIChatNode({ systemPrompt: "Be loud.", llm, tools: [getWeather] });
  const shout: OperatorFunction<AgentResponse, AgentResponse> = map(
    (chunk) => new AgentResponse({ content: chunk.content.toUpperCase() }),
  );
  const bridge = new Bridge(node);
  bridge
    .on(UserStoppedSpeaking)
    .stream(node.generate)
    .filter((event): event is AgentResponse => event instanceof AgentResponse)
    .pipe(shout)
    .broadcast();
  const heard: string[] = [];
  const speaker = new Bridge("speaker");
  const shouted = new Promise<void>((resolve, reject) => {
    setTimeout(
      () => reject(new Error(`rxjs operator: heard ${JSON.stringify(heard)}`)),
      5_000,
    ).unref();
    speaker.on(AgentResponse).map((message) => {
      heard.push(message.event.content);
      if (heard.join("") === "SHOUT THIS") resolve();
    });
  });
  const bus = new Bus();
  bus.registerBridge("agent", bridge).registerBridge("speaker", speaker);
  await bus.start();
  await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
  await shouted;
  await bus.cleanup();
  console.log("user's rxjs operator: ok");
} finally {
  await server.close();
}
