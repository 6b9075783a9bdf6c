import { Bridge } from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode } from "@switchboard/openai";
import { VoiceAgentApp, endCall } from "@switchboard/server";
import { FakeOpenAIServer, HarnessClient } from "@switchboard/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getWeather } from "./weather-tool.js";

let model: FakeOpenAIServer;
let app: VoiceAgentApp;
let client: HarnessClient;

beforeEach(async () => {
  model = await FakeOpenAIServer.start(); // an OpenAI-compatible server on 127.0.0.1
  const llm = new OpenAIChat({ model: "gpt-4o-mini", baseURL: model.baseURL, apiKey: "test" });
  app = new VoiceAgentApp(async (system) => {
    const node = new OpenAIChatNode({
      systemPrompt: "Be brief.",
      llm,
      tools: [getWeather, endCall],
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage("Hello!");
    await system.waitForShutdown();
  });
  const { port } = await app.listen({ port: 0, host: "127.0.0.1" });
  client = await HarnessClient.connect(`ws://127.0.0.1:${port}/ws`);
});

afterEach(async () => {
  await client.close();
  await app.close();
  await model.close();
});

describe("the agent", () => {
  it("greets, then answers", async () => {
    expect((await client.reply()).text).toBe("Hello!");

    model.enqueue({ content: "Hi there, how can I help?" });
    await client.say("hi");
    const answer = await client.reply();
    expect(answer.text).toBe("Hi there, how can I help?");
    expect(answer.endedBy).toBe("generation_complete");
    expect(model.chatRequests[0]?.body?.messages).toContainEqual({ role: "user", content: "hi" });
  });

  it("stops talking the moment the user talks over it", async () => {
    await client.reply();
    model.enqueue(
      { content: "A very long story about telephones", stallAfterChunks: 3 },
      { content: "Sure, go ahead." },
    );
    await client.say("tell me a story");
    await client.waitFor((frame) => frame.type === "message" && frame.content === "A");

    await client.interrupt(); // user_state speaking; late frames of that generation are fenced
    await model.waitForClientAbort(0); // the model's HTTP request was closed

    await client.say("wait, one thing");
    expect((await client.reply()).text).toBe("Sure, go ahead.");
  });

  it("calls a tool and hangs up", async () => {
    await client.reply();
    model.enqueue(
      { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
      { content: "It is mild in Paris." },
      { toolCalls: [{ name: "end_call", arguments: { goodbye_message: "Bye!" } }] },
    );
    await client.say("weather in Paris?");
    const answer = await client.reply();
    expect(answer.frames).toContainEqual(
      expect.objectContaining({ type: "tool_call", name: "get_weather" }),
    );
    expect(answer.text).toBe("It is mild in Paris.");

    await client.say("thanks, bye");
    await client.waitFor((frame) => frame.type === "end_call");
    expect((await client.waitForClose()).code).toBe(1000);
  });
});
