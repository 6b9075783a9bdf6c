import {
  AgentResponse,
  Bridge,
  ReasoningNode,
  type ConversationContext,
  type ReasoningNodeOptions,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";

/** A bounded least-recently-used cache: a `Map` keeps insertion order, so the first key is the oldest. */
export class LruCache<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value); // now the most recent
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Line's cached streaming: answers are cached by the conversation that led to them (the messages
 * the model would see) and replayed chunk by chunk. An interrupted answer is never cached: the
 * model stream rejects with an `AbortError`, so the line that stores the answer never runs.
 */
export class CachedStreamingNode extends ReasoningNode {
  readonly llm: ChatModel;
  readonly cache: LruCache<readonly string[]>;

  constructor(
    options: Partial<ReasoningNodeOptions> & { llm: ChatModel; cache: LruCache<readonly string[]> },
  ) {
    super({ systemPrompt: "You are a helpful voice assistant.", nodeId: "agent", ...options });
    this.llm = options.llm;
    this.cache = options.cache;
  }

  protected override async *processContext(context: ConversationContext) {
    const messages = contextToMessages(context);
    const key = JSON.stringify(messages);
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      for (const content of cached) yield new AgentResponse({ content });
      return;
    }
    const chunks: string[] = [];
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      if (!chunk.content) continue;
      chunks.push(chunk.content);
      yield new AgentResponse({ content: chunk.content });
    }
    this.cache.set(key, chunks); // only a whole answer gets here
  }
}

/** Cached streaming: one LRU cache shared by every call of the app. */
export function cachedStreaming(
  llm: ChatModel,
  cache: LruCache<readonly string[]> = new LruCache(100),
): CallHandler {
  return async (system) => {
    const node = new CachedStreamingNode({ llm, cache, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await greetAndWait(system);
  };
}
