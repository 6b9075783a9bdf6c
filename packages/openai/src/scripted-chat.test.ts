import { defineTool, type Logger } from "@switchboard/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { ChatMessage } from "./chat-message.js";
import type { ChatChunk } from "./chat-model.js";
import { createChatModel } from "./chat-model-from-env.js";
import { OpenAIChat } from "./openai-chat.js";
import { ScriptedChat } from "./scripted-chat.js";
import type OpenAI from "openai";

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21, conditions: "sunny" }),
});
const endCall = defineTool({
  name: "end_call",
  description: "Hang up.",
  parameters: z.object({}),
  execute: async () => "ok",
});

const instant = () => new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
const said = (content: string): ChatMessage[] => [
  { role: "system", content: "Be nice." },
  { role: "user", content },
];

async function collect(iterable: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}
const textOf = (chunks: ChatChunk[]) => chunks.map((c) => c.content ?? "").join("");

describe("ScriptedChat", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("streams a greeting token by token", async () => {
    const chunks = await collect(instant().chat({ messages: said("Hello there") }));
    expect(textOf(chunks)).toMatch(/^Hello! I'm the Switchboard demo agent/);
    expect(chunks.filter((c) => c.content !== undefined).length).toBeGreaterThan(10);
    expect(chunks.at(-1)).toEqual({ finishReason: "stop" });
  });

  it("echoes anything else in a few sentences", async () => {
    const text = textOf(await collect(instant().chat({ messages: said("I like trains") })));
    expect(text).toMatch(/^You said: "I like trains"\./);
    expect(text.split(/[.!?:](?:\s|$)/).length).toBeGreaterThanOrEqual(4);
  });

  it("calls get_weather when offered, then answers from its result", async () => {
    const llm = instant();
    const first = await collect(
      llm.chat({ messages: said("What's the weather in Paris?"), tools: [getWeather] }),
    );
    const call = first.at(-1)!.toolCalls![0]!;
    expect(call).toMatchObject({ name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(first.at(-1)!.finishReason).toBe("tool_calls");

    const messages: ChatMessage[] = [
      ...said("What's the weather in Paris?"),
      {
        role: "assistant",
        content: textOf(first),
        tool_calls: [
          {
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.arguments },
          },
        ],
      },
      {
        role: "tool",
        tool_call_id: call.id,
        content: '{"city":"Paris","tempC":21,"conditions":"sunny"}',
      },
    ];
    const second = await collect(llm.chat({ messages, tools: [getWeather] }));
    expect(textOf(second)).toBe("It's 21 degrees Celsius and sunny in Paris right now.");
    expect(second.some((c) => c.toolCalls)).toBe(false);
  });

  it("says it has no weather tool when none is offered", async () => {
    const chunks = await collect(instant().chat({ messages: said("Is it raining?") }));
    expect(textOf(chunks)).toMatch(/no weather tool/);
    expect(chunks.some((c) => c.toolCalls)).toBe(false);
  });

  it("says goodbye and calls end_call when offered", async () => {
    const chunks = await collect(
      instant().chat({ messages: said("ok bye"), tools: [getWeather, endCall] }),
    );
    expect(textOf(chunks)).toMatch(/^Goodbye!/);
    expect(chunks.at(-1)!.toolCalls).toEqual([
      { id: expect.any(String), name: "end_call", arguments: "{}" },
    ]);
  });

  it("paces tokens with the first-token and inter-token delays", async () => {
    vi.useFakeTimers();
    const llm = new ScriptedChat({ firstTokenDelayMs: 300, interTokenDelayMs: 50 });
    const iterator = llm.chat({ messages: said("hello") })[Symbol.asyncIterator]();
    let settled = false;
    const first = iterator.next().then((r) => ((settled = true), r));
    await vi.advanceTimersByTimeAsync(299);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(first).resolves.toEqual({ done: false, value: { content: "Hello!" } });
    settled = false;
    const second = iterator.next().then((r) => ((settled = true), r));
    await vi.advanceTimersByTimeAsync(49);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(second).resolves.toEqual({ done: false, value: { content: " I'm" } });
    await iterator.return?.();
  });

  it("rejects with an AbortError at once when the signal aborts, leaving no timer behind", async () => {
    vi.useFakeTimers();
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 10_000 });
    const controller = new AbortController();
    const stream = llm.chat({ messages: said("hello"), signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ done: false });
    const pending = iterator.next();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    expect(vi.getTimerCount()).toBe(0);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it("yields nothing and rejects with an AbortError for an already-aborted signal", async () => {
    await expect(
      collect(instant().chat({ messages: said("hello"), signal: AbortSignal.abort() })),
    ).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("createChatModel", () => {
  function recordingLogger() {
    const lines: { obj: object; msg: string | undefined }[] = [];
    const logger: Logger = {
      child: () => logger,
      debug: () => undefined,
      info: (obj, msg) => lines.push({ obj, msg }),
      warn: () => undefined,
      error: () => undefined,
    };
    return { logger, lines };
  }

  it("falls back to the scripted model without a key or base URL, and says so", () => {
    const { logger, lines } = recordingLogger();
    expect(createChatModel({ env: {}, logger })).toBeInstanceOf(ScriptedChat);
    expect(lines).toEqual([
      { obj: { model: "scripted" }, msg: expect.stringMatching(/offline scripted model/) },
    ]);
  });

  it("uses OpenAIChat with OPENAI_API_KEY, model from OPENAI_MODEL (default gpt-4o-mini)", () => {
    const { logger, lines } = recordingLogger();
    const llm = createChatModel({ env: { OPENAI_API_KEY: "sk-test" }, logger });
    expect(llm).toBeInstanceOf(OpenAIChat);
    expect((llm as OpenAIChat).model).toBe("gpt-4o-mini");
    expect(lines[0]).toMatchObject({
      obj: { model: "gpt-4o-mini" },
      msg: expect.stringMatching(/OpenAI/),
    });
  });

  it("uses OpenAIChat with only OPENAI_BASE_URL (a local server needs no key)", () => {
    const { logger } = recordingLogger();
    const llm = createChatModel({
      env: { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3.2" },
      logger,
    });
    expect(llm).toBeInstanceOf(OpenAIChat);
    expect((llm as OpenAIChat).model).toBe("llama3.2");
    // The default client is the openai SDK's own.
    expect(((llm as OpenAIChat).client as OpenAI).baseURL).toBe("http://127.0.0.1:11434/v1");
  });
});
