import { AgentResponse, Bridge, ReasoningNode, type ConversationContext } from "@switchboard/core";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";

export const ECHO_GREETING = "Hi! I'm an echo. Say something.";

/** Line's echo agent: says back what it heard, no model needed. */
export class EchoNode extends ReasoningNode {
  constructor() {
    super({ systemPrompt: "Echo the user.", nodeId: "echo" });
  }

  protected override async *processContext(context: ConversationContext) {
    const heard = context.getLatestUserTranscriptMessage() ?? "";
    yield new AgentResponse({ content: `You said: ${heard}` });
  }
}

/** One call: the echo node behind `bridge.conversation`, then the greeting. */
export const echoCall: CallHandler = async (system) => {
  const node = new EchoNode();
  const bridge = new Bridge(node);
  system.withSpeakingNode(node, bridge);
  bridge.conversation(node);
  await system.start();
  await system.sendInitialMessage(ECHO_GREETING);
  await system.waitForShutdown();
};

export function createEchoApp(): VoiceAgentApp {
  return new VoiceAgentApp(echoCall);
}
