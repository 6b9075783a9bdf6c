import { ReasoningNode, type ConversationContext } from "@switchboard/core";

/** What a {@link ScriptedNode} runs for each turn. */
export type Script = (
  context: ConversationContext,
  node: ScriptedNode,
) => AsyncIterable<object | string> | Iterable<object | string>;

/**
 * A `ReasoningNode` whose answers come from a function: the agent of the server's tests.
 * @example new ScriptedNode("echo", async function* (ctx) { yield `You said: ${ctx.getLatestUserTranscriptMessage()}`; })
 */
export class ScriptedNode extends ReasoningNode {
  readonly #script: Script;
  /** Turns whose generator was closed (its `finally` ran). */
  closedTurns = 0;
  cleaned = false;

  constructor(nodeId: string, script: Script) {
    super({ systemPrompt: "test", nodeId });
    this.#script = script;
  }

  protected override async *processContext(
    context: ConversationContext,
  ): AsyncIterable<object | string> {
    try {
      yield* this.#script(context, this);
    } finally {
      this.closedTurns++;
    }
  }

  override cleanup(): void {
    this.cleaned = true;
  }
}
