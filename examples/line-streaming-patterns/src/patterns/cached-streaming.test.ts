import { ScriptedChat, type ChatModel, type ChatRequest } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { cachedStreaming, LruCache } from "./cached-streaming.js";

/** The scripted model, counting the requests that reach it. */
function countingModel(interTokenDelayMs: number): ChatModel & { requests: number } {
  const scripted = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs });
  return {
    requests: 0,
    chat(request: ChatRequest) {
      this.requests += 1;
      return scripted.chat(request);
    },
  };
}

describe("Line pattern: cached streaming", () => {
  it("replays a cached answer chunk by chunk, without asking the model again", async () => {
    const llm = countingModel(0);
    const cache = new LruCache<readonly string[]>(10);
    const app = () => exampleApp((model) => cachedStreaming(model, cache), { llm });

    const first = await ConversationRunner.start(app());
    const fresh = await first.turn("Tell me about caching");
    await first.close();
    expect(llm.requests).toBe(1);
    expect(cache.size).toBe(1);

    const second = await ConversationRunner.start(app()); // the same conversation, a new call
    const replayed = await second.turn("Tell me about caching");
    await second.close();
    expect(llm.requests).toBe(1);
    expect(replayed.chunks).toEqual(fresh.chunks);
    expect(replayed.chunks.length).toBeGreaterThan(5);
  });

  it("never caches an interrupted answer", async () => {
    const llm = countingModel(15);
    const cache = new LruCache<readonly string[]>(10);
    const convo = await ConversationRunner.start(
      exampleApp((model) => cachedStreaming(model, cache), { llm }),
    );
    try {
      const since = convo.client.frames.length;
      await convo.client.say("Tell me about caching");
      await convo.client.waitFor((f) => f.type === "message", { since });
      await convo.client.interrupt();
      await convo.turn("Hello!");
      expect(cache.size).toBe(1); // the whole "Hello!" answer only
      expect(convo.client.frames.filter((f) => f.type === "error")).toEqual([]);
    } finally {
      await convo.close();
    }
  });

  it("is bounded: the least recently used answer goes first", () => {
    const cache = new LruCache<string>(2);
    cache.set("a", "1");
    cache.set("b", "2");
    expect(cache.get("a")).toBe("1"); // a is now the most recent
    cache.set("c", "3");
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("1");
    expect(cache.size).toBe(2);
  });
});
