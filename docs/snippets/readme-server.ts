import { Bridge } from "@switchboard/core";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";
import { VoiceAgentApp, endCall } from "@switchboard/server";

const app = new VoiceAgentApp(async (system, call) => {
  const node = new OpenAIChatNode({
    systemPrompt: call.agent.systemPrompt || "You are a helpful voice agent.",
    llm: createChatModel(),
    tools: [endCall],
  });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.sendInitialMessage("Hello! How can I help?");
  await system.waitForShutdown();
});
await app.run(); // POST /chats, GET /status, WebSocket /ws on PORT (default 8000)
