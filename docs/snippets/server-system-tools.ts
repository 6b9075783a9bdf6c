import { Bridge } from "@switchboard/core";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";
import { VoiceAgentApp, endCall, handoffTool, sendDtmf, transferCall } from "@switchboard/server";

const llm = createChatModel();

const app = new VoiceAgentApp(async (system) => {
  const node = new OpenAIChatNode({
    nodeId: "front-desk",
    systemPrompt:
      "You are the front desk. Say goodbye with end_call. Send billing questions to billing. " +
      "Transfer to +15551234567 if the caller asks for a human. Press 1 for the English menu.",
    llm,
    tools: [
      endCall, // { goodbye_message? }: says it, then `end_call`, then the socket closes
      transferCall, // { target_phone_number }: `transfer`, then the call ends after timeoutS
      sendDtmf, // { buttons }: one `dtmf` frame per button
      handoffTool("billing", { description: "Invoices and payments." }), // transfer_to_billing
    ],
  });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  // A handoff target must be on the system too: see the handoff example.
});

await app.run();
