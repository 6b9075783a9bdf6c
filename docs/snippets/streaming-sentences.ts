import {
  Bridge,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  bufferSentences,
} from "@switchboard/core";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";

const node = new OpenAIChatNode({ systemPrompt: "Be brief.", llm: createChatModel() });
const bridge = new Bridge(node);

bridge.on(UserTranscriptionReceived).map(node.addEvent);
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
  .stream(node.generate)
  // Token chunks in, whole sentences out: "Dr. Smith paid $3.50." stays one sentence.
  // Tool calls and other events pass through (flushing the text held before them).
  .pipe(bufferSentences())
  .broadcast();
