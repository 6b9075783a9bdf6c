import { AgentSpeechSent, Bridge } from "@switchboard/core";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";
import { VoiceAgentApp, endCall } from "@switchboard/server";

const llm = createChatModel(); // OpenAI when OPENAI_API_KEY/OPENAI_BASE_URL is set, else offline

const app = new VoiceAgentApp(
  // One call: runs once per WebSocket, with a fresh VoiceAgentSystem (and Bus).
  async (system, call) => {
    const node = new OpenAIChatNode({
      nodeId: "agent",
      systemPrompt: call.agent.systemPrompt || "You are a helpful voice agent.",
      metadata: call.metadata,
      llm,
      tools: [endCall],
      logger: system.log,
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    bridge.on(AgentSpeechSent).map(node.addEvent);

    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage(call.agent.introduction || "Hello! How can I help?");
    const reason = await system.waitForShutdown(); // "end_call", "client_closed", ...
    system.log.info({ reason }, "call over");
  },
  {
    // Runs on POST /chats (and on a bare /ws connect): null rejects the call with 403.
    preCallHandler: async (call) => {
      if (call.from === "+15550000000") return null;
      return { metadata: { tier: "gold" }, config: { voice: "alloy" } };
    },
    maxFrameBytes: 256 * 1024, // larger input frames close the socket with 1009 (default 1 MiB)
    harness: { maxFramesPerSecond: 50, maxBufferedBytes: 4 * 1024 * 1024 },
  },
);

// Listens on PORT (default 8000) and shuts down gracefully on SIGINT/SIGTERM.
const { url } = await app.run();
console.log(`agent on ${url}: try "npx @switchboard/cli chat ${url}"`);
