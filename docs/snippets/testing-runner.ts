import { Bridge } from "@switchboard/core";
import { OpenAIChatNode, ScriptedChat } from "@switchboard/openai";
import { VoiceAgentApp, endCall } from "@switchboard/server";
import { ConversationRunner } from "@switchboard/testing";
import { expect, it } from "vitest";
import { getWeather } from "./weather-tool.js";

const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
const app = new VoiceAgentApp(async (system) => {
  const node = new OpenAIChatNode({ systemPrompt: "Be brief.", llm, tools: [getWeather, endCall] });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.sendInitialMessage("Hello!");
  await system.waitForShutdown();
});

it("answers the weather and hangs up on goodbye", async () => {
  const convo = await ConversationRunner.start(app); // loopback, POST /chats, WebSocket, greeting
  try {
    expect(convo.greeting?.text).toBe("Hello!");
    const reply = await convo.turn("What's the weather in Paris?");
    expect(reply.frames.some((f) => f.type === "tool_call" && f.name === "get_weather")).toBe(true);
    expect((await convo.turn("Goodbye!")).endedBy).toBe("end_call");
  } finally {
    await convo.close(); // hangs up if the agent has not, and stops the app
  }
});
