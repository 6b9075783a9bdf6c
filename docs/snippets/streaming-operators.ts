import {
  Bridge,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  bufferPhrases,
  bufferSentences,
  bufferSize,
  fillerAfter,
} from "@switchboard/core";
import { EchoNode } from "./echo-node.js";

/** An agent whose answer stream each route below chunks its own way. */
function agent(nodeId: string) {
  const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId });
  const bridge = new Bridge(node);
  bridge.on(UserTranscriptionReceived).map(node.addEvent);
  const answers = bridge
    .on(UserStoppedSpeaking)
    .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
    .stream(node.generate);
  return { bridge, answers };
}

// Lower latency: the shortest phrase of at least 30 characters ending at , . : ; ! ? + space.
agent("phrases")
  .answers.pipe(bufferPhrases({ minLength: 30 }))
  .broadcast();

// Simplest: all it holds once that reaches 80 characters or ends a sentence (may cut mid-word).
agent("sized")
  .answers.pipe(bufferSize({ size: 80 }))
  .broadcast();

// Operators compose: "Let me check." after 1.2 s of silence (at most twice), then sentences.
// Other languages: bufferSentences({ locale: "de", abbreviations: ["Bsp."] }).
agent("patient")
  .answers.pipe(fillerAfter({ ms: 1_200, text: "Let me check.", maxTimes: 2 }), bufferSentences())
  .broadcast();
