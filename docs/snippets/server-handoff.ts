import { Authorize, Bridge, UserStartedSpeaking } from "@switchboard/core";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";
import { VoiceAgentApp, handoffTool, type VoiceAgentSystem } from "@switchboard/server";

const llm = createChatModel();

/** Every node hears the user; only the one the user hears answers. */
function wire(system: VoiceAgentSystem, node: OpenAIChatNode): Bridge {
  const bridge = new Bridge(node);
  bridge.conversation(node, { filter: () => system.speakingNodeId === node.id });
  return bridge;
}

const app = new VoiceAgentApp(async (system) => {
  const frontDesk = new OpenAIChatNode({
    nodeId: "front-desk",
    systemPrompt: "Greet the caller. Hand billing questions to billing.",
    llm,
    tools: [handoffTool("billing")], // the model calls transfer_to_billing
  });
  const billing = new OpenAIChatNode({
    nodeId: "billing",
    systemPrompt: "You answer questions about invoices and payments.",
    llm,
  });

  const billingBridge = wire(system, billing);
  // On handoff the system broadcasts Authorize({ agent: "billing" }) from "system":
  // billing answers the question that caused it right away.
  billingBridge
    .on(Authorize, { where: { agent: "billing" } })
    .interruptOn(UserStartedSpeaking, billing.onInterruptGenerate)
    .stream(billing.generate)
    .broadcast();

  system
    .withSpeakingNode(frontDesk, wire(system, frontDesk)) // the user hears it first
    .withNode(billing, billingBridge); // a handoff target must be registered

  await system.start();
  await system.sendInitialMessage("Hi, front desk here. How can I help?");
  await system.waitForShutdown();
});

await app.run();
