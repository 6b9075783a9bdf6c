import type { ChatToolCall } from "./chat-model.js";

/** One streamed tool-call delta, as the OpenAI chat-completions stream sends it. */
export interface ToolCallDelta {
  index: number;
  id?: string | undefined;
  function?: { name?: string | undefined; arguments?: string | undefined } | undefined;
}

/**
 * Assembles streamed tool-call deltas into complete calls. OpenAI sends each call's `index`,
 * `id` and `name` first and its `arguments` in fragments; parallel calls have distinct indexes
 * and may interleave. Some compatible servers send the whole call in one delta, or repeat the id.
 * @example
 * const calls = new ToolCallAccumulator();
 * calls.add([{ index: 0, id: "call_1", function: { name: "get_weather", arguments: '{"ci' } }]);
 * calls.add([{ index: 0, function: { arguments: 'ty":"Paris"}' } }]);
 * calls.complete(); // [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]
 */
export class ToolCallAccumulator {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #generatedIds = 0;

  /** Adds the tool-call deltas of one stream chunk. */
  add(deltas: readonly ToolCallDelta[]): void {
    for (const delta of deltas) {
      let call = this.#calls.get(delta.index);
      if (call === undefined) {
        call = { id: "", name: "", arguments: "" };
        this.#calls.set(delta.index, call);
      }
      if (delta.id) call.id = delta.id;
      // The name comes whole in the call's first delta; a server that repeats it later must not double it.
      if (delta.function?.name && call.name === "") call.name = delta.function.name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
    }
  }

  /** True once any delta has been added. */
  get hasCalls(): boolean {
    return this.#calls.size > 0;
  }

  /** The calls in index order; a call without an id (some local servers omit it) gets one. */
  complete(): ChatToolCall[] {
    return [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id || `call_${++this.#generatedIds}_${Date.now().toString(36)}`,
        name: call.name,
        arguments: call.arguments,
      }));
  }
}
