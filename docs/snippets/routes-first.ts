import {
  AgentResponse,
  Bridge,
  Bus,
  Message,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { EchoNode } from "./echo-node.js";

const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
const bridge = new Bridge(node);

// Route 1: every transcription goes into the node's history.
bridge.on(UserTranscriptionReceived).map(node.addEvent);

// Route 2: when the user stops speaking, stream an answer; cancel it if they start again.
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
  .stream(node.generate)
  .broadcast();

// Something has to listen: here a "speaker" that prints what the agent says.
const speaker = new Bridge("speaker");
speaker.on(AgentResponse).map((message) => process.stdout.write(message.event.content));

const bus = new Bus();
bus.registerBridge("agent", bridge).registerBridge("speaker", speaker);
await bus.start();

const user = (event: object) => bus.broadcast(new Message({ source: "user", event }));
await user(new UserTranscriptionReceived({ content: "hello" }));
await user(new UserStoppedSpeaking());
