import { defineTool, ToolRegistry } from "@switchboard/core";
import { FakeOpenAIServer } from "@switchboard/testing";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ChatChunk } from "./chat-model.js";
import { ChatModelError } from "./chat-model-error.js";
import { OpenAIChat } from "./openai-chat.js";

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});

const messages = [{ role: "user" as const, content: "Hi" }];

async function collect(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

describe("OpenAIChat", () => {
  let server: FakeOpenAIServer;
  let llm: OpenAIChat;
  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    llm = new OpenAIChat({ model: "gpt-4o-mini", apiKey: "test-key", baseURL: server.baseURL });
  });
  afterEach(async () => {
    await server.close();
  });

  describe("#chat", () => {
    it("yields content deltas as they arrive, then the finish reason", async () => {
      server.enqueue({ content: "Hello there, how can I help?" });
      const chunks = await collect(llm.chat({ messages }));
      const text = chunks.map((c) => c.content ?? "");
      expect(text.join("")).toBe("Hello there, how can I help?");
      expect(chunks.filter((c) => c.content !== undefined)).toHaveLength(6);
      // FakeOpenAIServer counts a prompt as 10 tokens and each streamed delta as one.
      expect(chunks.at(-1)).toEqual({
        finishReason: "stop",
        usage: { inputTokens: 10, outputTokens: 6 },
      });
    });

    it("sends the model, messages, stream flag, tools and sampling options", async () => {
      server.enqueue({ content: "ok" });
      await collect(
        llm.chat({
          messages,
          tools: [getWeather],
          temperature: 0.2,
          maxTokens: 50,
          toolChoice: "auto",
        }),
      );
      const body = server.requests[0]!.body!;
      expect(body).toMatchObject({
        model: "gpt-4o-mini",
        messages,
        stream: true,
        temperature: 0.2,
        max_completion_tokens: 50,
        tool_choice: "auto",
      });
      expect(body.tools).toEqual(new ToolRegistry([getWeather]).schemas);
      expect(server.requests[0]!.headers.authorization).toBe("Bearer test-key");
    });

    it("leaves tools out when none are offered", async () => {
      server.enqueue({ content: "ok" });
      await collect(llm.chat({ messages, tools: [] }));
      expect(server.requests[0]!.body).not.toHaveProperty("tools");
    });

    it("assembles a tool call split across deltas and delivers it once, complete", async () => {
      server.enqueue({
        content: "Let me check.",
        toolCalls: [
          { id: "call_w", name: "get_weather", arguments: { city: "Paris" }, argumentFragments: 5 },
        ],
      });
      const chunks = await collect(llm.chat({ messages, tools: new ToolRegistry([getWeather]) }));
      const withCalls = chunks.filter((c) => c.toolCalls !== undefined);
      expect(withCalls).toEqual([
        {
          toolCalls: [{ id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' }],
          finishReason: "tool_calls",
          usage: { inputTokens: 10, outputTokens: 10 },
        },
      ]);
      expect(chunks.at(-1)).toBe(withCalls[0]);
      expect(
        chunks
          .map((c) => c.content)
          .filter(Boolean)
          .join(""),
      ).toBe("Let me check.");
    });

    it.each(["sequential", "interleaved"] as const)(
      "assembles parallel tool calls (%s deltas)",
      async (order) => {
        server.enqueue({
          toolCallOrder: order,
          toolCalls: [
            { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
            {
              id: "call_b",
              name: "get_weather",
              arguments: { city: "Oslo" },
              argumentFragments: 6,
            },
          ],
        });
        const chunks = await collect(llm.chat({ messages, tools: [getWeather] }));
        expect(chunks.at(-1)!.toolCalls).toEqual([
          { id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
          { id: "call_b", name: "get_weather", arguments: '{"city":"Oslo"}' },
        ]);
      },
    );

    it("passes malformed arguments through raw", async () => {
      server.enqueue({
        toolCalls: [{ id: "call_x", name: "get_weather", arguments: '{"city": "Par' }],
      });
      const chunks = await collect(llm.chat({ messages, tools: [getWeather] }));
      expect(chunks.at(-1)!.toolCalls).toEqual([
        { id: "call_x", name: "get_weather", arguments: '{"city": "Par' },
      ]);
    });
  });

  describe("cancellation", () => {
    it("closes the HTTP response at once when the signal aborts mid-stream, and rejects with an AbortError", async () => {
      server.enqueue({ content: "one two three four five six", stallAfterChunks: 3 });
      const controller = new AbortController();
      const chunks: ChatChunk[] = [];
      const serverSawClose = server.waitForClientAbort(0);
      let after = false;
      const reading = (async () => {
        for await (const chunk of llm.chat({ messages, signal: controller.signal })) {
          chunks.push(chunk);
          if (chunks.length === 2) controller.abort();
        }
        after = true; // code after an interrupted `for await` must never run
      })();
      await expect(reading).rejects.toMatchObject({ name: "AbortError" });
      expect(after).toBe(false);
      await expect(serverSawClose).resolves.toMatchObject({ index: 0, chunksSent: 3 });
      expect(chunks.map((c) => c.content)).toEqual(["one", " two"]);
    });

    it("closes the HTTP response when the signal aborts while the consumer is not pulling", async () => {
      server.enqueue({ content: "one two three", stallAfterChunks: 2 });
      const controller = new AbortController();
      const iterator = llm.chat({ messages, signal: controller.signal })[Symbol.asyncIterator]();
      await iterator.next();
      controller.abort();
      await server.waitForClientAbort(0);
      await expect(iterator.next()).rejects.toMatchObject({ name: "AbortError" });
      await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    });

    it("aborts while waiting for the first token", async () => {
      server.enqueue({ content: "late", firstTokenDelayMs: 60_000 });
      const controller = new AbortController();
      // The expectation is attached first: the rejection comes while the test awaits the server.
      const rejected = expect(
        collect(llm.chat({ messages, signal: controller.signal })),
      ).rejects.toMatchObject({ name: "AbortError" });
      await server.waitForRequest(0);
      controller.abort();
      await server.waitForClientAbort(0);
      await rejected;
    });

    it("closes the HTTP response when the consumer stops iterating", async () => {
      server.enqueue({ content: "one two three", stallAfterChunks: 2 });
      for await (const chunk of llm.chat({ messages })) {
        expect(chunk.content).toBe("one");
        break;
      }
      await expect(server.waitForClientAbort(0)).resolves.toMatchObject({ index: 0 });
    });

    it("sends nothing and rejects with an AbortError when the signal is already aborted", async () => {
      await expect(
        collect(llm.chat({ messages, signal: AbortSignal.abort() })),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(server.requests).toHaveLength(0);
    });
  });

  describe("failures", () => {
    it.each([
      [401, "auth", false],
      [400, "bad_request", false],
      [429, "rate_limit", true],
      [500, "server", true],
      [503, "server", true],
    ] as const)(
      "throws a ChatModelError for HTTP %i (%s, retryable: %s)",
      async (status, kind, retryable) => {
        server.enqueue({ error: { status, headers: { "retry-after-ms": "40" } } });
        const error = await collect(llm.chat({ messages })).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ChatModelError);
        expect(error).toMatchObject({
          code: "LLM_ERROR",
          kind,
          status,
          retryable,
          retryAfterMs: 40,
        });
        expect(server.requests).toHaveLength(1);
      },
    );

    it("throws a retryable connection error when the connection drops mid-stream", async () => {
      server.enqueue({ content: "one two three four", dropAfterChunks: 3 });
      const chunks: ChatChunk[] = [];
      const error = await (async () => {
        for await (const chunk of llm.chat({ messages })) chunks.push(chunk);
      })().catch((e: unknown) => e);
      expect(chunks.map((c) => c.content)).toEqual(["one", " two"]);
      expect(error).toBeInstanceOf(ChatModelError);
      expect(error).toMatchObject({ kind: "connection", retryable: true });
    });

    it("never lets a given client retry on its own: retries are the caller's decision", async () => {
      server.enqueue({ error: { status: 500 } }, { content: "second try" });
      const client = new OpenAI({ apiKey: "k", baseURL: server.baseURL, maxRetries: 5 });
      const withClient = new OpenAIChat({ model: "m", client });
      await expect(collect(withClient.chat({ messages }))).rejects.toMatchObject({
        kind: "server",
        status: 500,
      });
      expect(server.chatRequests).toHaveLength(1);
    });

    it("throws a connection error when nothing listens", async () => {
      const port = server.port;
      await server.close();
      const offline = new OpenAIChat({
        model: "m",
        apiKey: "k",
        baseURL: `http://127.0.0.1:${port}/v1`,
      });
      await expect(collect(offline.chat({ messages }))).rejects.toMatchObject({
        kind: "connection",
      });
    });
  });
});
