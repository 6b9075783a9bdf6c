import {
  AgentResponse,
  Bridge,
  Bus,
  Message,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type ConversationContext,
} from "@switchboard/core";

class EchoNode extends ReasoningNode {
  protected override async *processContext(context: ConversationContext) {
    const heard = context.getLatestUserTranscriptMessage() ?? "nothing";
    for (const word of `You said: ${heard}.`.split(/(?<= )/)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (context.signal.aborted) return;
      yield word;
    }
  }
}

const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
const bridge = new Bridge(node);
bridge.on(UserTranscriptionReceived).map(node.addEvent);
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
  .stream(node.generate)
  .broadcast();

const speaker = new Bridge("speaker");
speaker.on(AgentResponse).map((message) => process.stdout.write(message.event.content));

const bus = new Bus();
bus.registerBridge("agent", bridge).registerBridge("speaker", speaker);
await bus.start();
await bus.broadcast(
  new Message({ source: "user", event: new UserTranscriptionReceived({ content: "hello" }) }),
);
await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
