import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

export const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();

  // The running system as data: what the playground draws.
  const { bridges, speakingNodeId } = system.describe();
  for (const { name, authorized, routes } of bridges) {
    const lines = routes.map((route) => {
      const steps = route.steps.map((step) => step.kind).join(" → ");
      const rules = route.controls.map((c) => `${c.kind} on ${c.event}`).join(", ");
      return `${route.trigger} → ${steps}${rules === "" ? "" : ` (${rules})`}`;
    });
    system.log.info({ bridge: name, speaks: name === speakingNodeId, authorized, lines }, "bridge");
  }
  // agent: UserTranscriptionReceived → map; UserStoppedSpeaking → stream → broadcast (interrupt on UserStartedSpeaking)
});
