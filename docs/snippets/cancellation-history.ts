import {
  AgentResponse,
  AgentSpeechSent,
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
bridge.conversation(node); // also routes AgentSpeechSent: what the platform reports as spoken

const bus = new Bus();
bus.registerBridge("agent", bridge);
await bus.start();
const user = (event: object) => bus.broadcast(new Message({ source: "user", event }));

await user(new UserTranscriptionReceived({ content: "tell me a long story" }));
await user(new UserStoppedSpeaking());
await new Promise((resolve) => setTimeout(resolve, 70)); // a few words go out
await user(new UserStartedSpeaking()); // the user talks over the agent
await bus.cleanup();

// The history holds only what was delivered before the interrupt, flagged as cut off:
const last = node.conversationEvents.at(-1);
if (last instanceof AgentResponse) console.log(last.content, last.interrupted); // "You said: tell " true

// The TTS only got "You said:" out before the user spoke? Then the turn becomes exactly that.
node.addEvent(new AgentSpeechSent({ content: "You said:" }));
