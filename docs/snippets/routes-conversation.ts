import {
  AgentSpeechSent,
  Bridge,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
// Line's names (interrupt_on, .on() on a builder, the { get, mapToEvents } input) are typed
// by this entry; the main entry keeps one name per thing.
import "@switchboard/core/line";
import { EchoNode } from "./echo-node.js";

const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });

// The one route most agents need, in one call...
const bridge = new Bridge(node);
// Returns { transcripts, spoken, generation }; route settings such as concurrency are options.
bridge.conversation(node, { concurrency: "switch" });

// ...which is the same as spelling it out. .on() on a builder starts another route on the
// same bridge, so a Line app's chained style ports as it is (interrupt_on is interruptOn).
const spelledOut = new Bridge(node);
spelledOut
  .on(UserTranscriptionReceived)
  .map(node.addEvent)
  .on(UserStoppedSpeaking)
  .interrupt_on(UserStartedSpeaking, node.onInterruptGenerate)
  .stream(node.generate)
  .broadcast()
  .on(AgentSpeechSent) // trims a cut-off turn to what was actually heard
  .map(node.addEvent);

// Other events start a turn too: runOn and cancelOn replace the defaults.
const menu = new EchoNode({ systemPrompt: "Read the menu.", nodeId: "menu" });
new Bridge(menu).conversation(menu, { runOn: DTMFInputEvent, cancelOn: UserStartedSpeaking });
