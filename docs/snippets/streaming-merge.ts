import { setTimeout as sleep } from "node:timers/promises";
import {
  ReasoningNode,
  isAbortError,
  mergeStreams,
  type ConversationContext,
} from "@switchboard/core";
import { contextToMessages, createChatModel } from "@switchboard/openai";

/** Says "Still searching..." every 2 s until `signal` aborts. */
async function* progress(signal: AbortSignal): AsyncGenerator<string> {
  try {
    for (;;) {
      await sleep(2_000, undefined, { signal });
      yield "Still searching... ";
    }
  } catch (error) {
    if (!isAbortError(error)) throw error;
  }
}

class ResearchNode extends ReasoningNode {
  readonly llm = createChatModel();

  protected override async *processContext(context: ConversationContext) {
    const answered = new AbortController();
    const llm = this.llm;
    async function* answer(): AsyncGenerator<string> {
      try {
        const messages = contextToMessages(context);
        for await (const chunk of llm.chat({ messages, signal: context.signal })) {
          if (chunk.content) yield chunk.content;
        }
      } finally {
        answered.abort(); // the answer is done: stop the progress updates
      }
    }
    // Every value of every input, exactly once, in arrival order. When this generator is
    // closed (an interrupt), every input is closed too, so their finally blocks run.
    yield* mergeStreams(answer(), progress(AbortSignal.any([context.signal, answered.signal])));
  }
}

export const research = new ResearchNode({ systemPrompt: "Research, then answer in a sentence." });
