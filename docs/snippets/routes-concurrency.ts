import {
  AgentResponse,
  Bridge,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { EchoNode } from "./echo-node.js";

const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
const bridge = new Bridge(node);

// "switch": a new trigger cancels the running generation (its signal aborts) and starts fresh.
bridge.on(UserStoppedSpeaking).concurrency("switch").stream(node.generate).broadcast();

// "exhaust": triggers that arrive while a generation runs are ignored.
bridge
  .on(DTMFInputEvent)
  .concurrency("exhaust")
  .map((m) => new AgentResponse({ content: `You pressed ${m.event.button}.` }))
  .broadcast();

// "concat": triggers queue and run one after another.
bridge
  .on(UserTranscriptionReceived)
  .concurrency("concat")
  .map(async (m) => {
    await fetch("https://example.com/transcripts", { method: "POST", body: m.event.content });
  });

// "merge" (the default) runs every generation side by side.

// interruptOn takes a handler, or { handler, filter } where filter sees the control message.
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking, {
    handler: node.onInterruptGenerate,
    filter: (m) => m.source === "user",
  })
  .stream(node.generate)
  .broadcast();
