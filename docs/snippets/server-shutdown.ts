import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  // A handler may just configure the system: the app then starts it and waits for the end.
});

// listen() instead of run(): you own the process signals.
const { url, port } = await app.listen({ port: 0, host: "127.0.0.1" }); // port 0: any free port
console.log(`listening on ${url} (port ${port}), ${app.sessionCount} calls`);

process.once("SIGTERM", () => {
  // Stops accepting calls, ends every session (close 1001, generations cancelled, nodes
  // cleaned up) and stops the server.
  void app.close().then(() => process.exit(0));
});
