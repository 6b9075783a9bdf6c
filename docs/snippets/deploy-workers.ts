import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

// Built at the top level: every worker runs this script and builds its own app.
const app = new VoiceAgentApp(
  async (system) => {
    const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
  },
  { maxCalls: 200, drainTimeoutMs: 25_000 },
);

await app.run({ workers: "auto" }); // or a number; the default, 1, serves from this process
