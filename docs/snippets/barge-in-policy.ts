import { BACKCHANNELS, Bridge } from "@switchboard/core";
import { EchoNode } from "./echo-node.js";

const node = new EchoNode({ systemPrompt: "Answer briefly.", nodeId: "agent" });
const bridge = new Bridge(node);

// Hold on UserStartedSpeaking; resume on a backchannel, a short utterance or silence.
bridge.conversation(node, {
  bargeIn: {
    minWords: 2, // "stop" alone does not interrupt; "stop please" does
    backchannels: [...BACKCHANNELS.en, ...BACKCHANNELS.es, "aye"], // default: en, es, de and fr
    falseInterruptionMs: 1500, // how long after the user stops a transcript may still confirm
  },
});
