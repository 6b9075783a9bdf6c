import { ReasoningNode, type ConversationContext } from "@switchboard/core";

/** Answers by echoing the user, a word at a time, like a model streaming tokens. */
export class EchoNode extends ReasoningNode {
  protected override async *processContext(context: ConversationContext) {
    const heard = context.getLatestUserTranscriptMessage() ?? "nothing";
    for (const word of `You said: ${heard}.`.split(/(?<= )/)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (context.signal.aborted) return;
      yield word;
    }
  }
}
