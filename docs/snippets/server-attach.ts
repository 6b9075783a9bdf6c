import { createServer } from "node:http";
import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

// Your own web app: here a plain handler; an Express or Koa app (or Fastify's `server`) works the same.
const server = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end(`your site: ${req.url ?? "/"}`);
});

const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "Echo the user." });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
});
await app.attach(server); // POST /chats, /health, /ready, /status and /ws are the app's now
server.listen(8000);

process.once("SIGTERM", () => {
  // Ends the calls and gives the server back its own listeners; closing it stays yours.
  void app.drain().then(() => server.close());
});
