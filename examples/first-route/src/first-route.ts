import { filter, firstValueFrom, take, toArray } from "rxjs";
import {
  AgentGenerationComplete,
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

/** A node that answers by echoing, a word at a time, like an LLM streaming tokens. */
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

/** Runs one turn and one interrupted turn; returns what the "speaker" received. */
export async function runFirstRoute(): Promise<string[]> {
  const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.on(UserTranscriptionReceived).map(node.addEvent);
  bridge
    .on(UserStoppedSpeaking)
    .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
    .stream(node.generate)
    .broadcast();

  const speaker = new Bridge("speaker");
  const heard: string[] = [];
  speaker.on(AgentResponse).map((message) => heard.push(message.event.content));

  const bus = new Bus();
  bus.registerBridge("agent", bridge).registerBridge("speaker", speaker);
  await bus.start();

  const user = (event: object) => bus.broadcast(new Message({ source: "user", event }));
  const next = (isWanted: (event: object) => boolean) =>
    firstValueFrom(bus.messages$.pipe(filter((m) => isWanted(m.event))));

  const done = next((event) => event instanceof AgentGenerationComplete);
  await user(new UserTranscriptionReceived({ content: "hello there" }));
  await user(new UserStoppedSpeaking());
  await done;

  const twoWords = firstValueFrom(
    bus.messages$.pipe(
      filter((m) => m.event instanceof AgentResponse),
      take(2),
      toArray(),
    ),
  );
  await user(new UserTranscriptionReceived({ content: "tell me a long story" }));
  await user(new UserStoppedSpeaking());
  await twoWords; // the agent has started answering...
  await user(new UserStartedSpeaking()); // ...and the user talks over it: cancelled at once

  await bus.cleanup();
  return [...heard.join("").split("\n"), `history: ${JSON.stringify(node.conversationEvents)}`];
}
