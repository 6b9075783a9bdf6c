import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

const app = new VoiceAgentApp(
  async (system) => {
    const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage("Hi! Say something.");
    await system.waitForShutdown();
  },
  // A development tool: serve it outside production only.
  { playground: process.env["NODE_ENV"] !== "production" },
);

const { url } = await app.listen({ port: 8000 });
console.log(`open ${url}/playground`);
