import {
  Bridge,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  isAbortError,
  type ConversationContext,
} from "@switchboard/core";

/** A node that streams from an HTTP API: it hands context.signal to every request. */
class SearchNode extends ReasoningNode {
  protected override async *processContext(context: ConversationContext) {
    const query = context.getLatestUserTranscriptMessage() ?? "";
    const res = await fetch(`https://example.com/answer?q=${encodeURIComponent(query)}`, {
      signal: context.signal, // an interrupt closes this HTTP request
    });
    if (res.body === null) return;
    try {
      for await (const text of res.body.pipeThrough(new TextDecoderStream())) yield String(text);
    } finally {
      console.log("request closed"); // runs on normal end and on interrupt alike
    }
  }
}

const node = new SearchNode({ systemPrompt: "Answer briefly.", nodeId: "agent" });
const bridge = new Bridge(node);
bridge.conversation(node);

// In a route step, the same rule: pass ctx.signal on, and treat an abort as a quiet end.
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking)
  .map(async (_m, ctx) => {
    try {
      const res = await fetch("https://example.com/slow-lookup", { signal: ctx.signal });
      return (await res.json()) as { hint: string };
    } catch (error) {
      if (isAbortError(error)) return undefined; // cancelled, not failed
      throw error; // a real failure: logged on the bus and reported on bus.errors$
    }
  })
  .filter((hint) => hint !== undefined)
  .map((hint) => console.log("hint:", hint.hint));
