import {
  AgentError,
  AgentGenerationComplete,
  AgentResponse,
  defineTool,
  LogMetric,
  ToolCall,
  ToolResult,
  UserTranscriptionReceived,
  type Logger,
} from "@switchboard/core";
import { FakeOpenAIServer, type FakeReply } from "@switchboard/testing";
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { z } from "zod";
import { OpenAIChat } from "./openai-chat.js";
import { OpenAIChatNode, type OpenAIChatNodeOptions } from "./openai-chat-node.js";
import { ScriptedChat } from "./scripted-chat.js";

/** A promise the test resolves when it chooses. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * Collects a generation. One that was not interrupted ends with its completion, which carries its
 * metrics (checked here): its times, and its token usage when the model reported it
 * (FakeOpenAIServer does); no `LogMetric` of the framework's comes before it.
 */
async function collect(iterable: AsyncIterable<object>): Promise<object[]> {
  const out: object[] = [];
  for await (const item of iterable) out.push(item);
  const last = out.at(-1);
  if (last instanceof AgentGenerationComplete && last.interrupted !== true) {
    expect(last.durationMs).toBeGreaterThanOrEqual(0);
    expect(last.inputTokens === undefined).toBe(last.outputTokens === undefined);
    expect(out.some((e) => e instanceof LogMetric)).toBe(false);
  }
  return out;
}

const spoken = (events: readonly object[]) =>
  events
    .filter((e): e is AgentResponse => e instanceof AgentResponse)
    .map((e) => e.content)
    .join("");

const weather = (
  execute: (city: string, signal: AbortSignal) => Promise<unknown> = async (city) => ({
    city,
    tempC: 21,
  }),
) =>
  defineTool({
    name: "get_weather",
    description: "Current weather for a city.",
    parameters: z.object({ city: z.string() }),
    execute: ({ city }, { signal }) => execute(city, signal),
  });

const weatherCall = (id: string, city: string): NonNullable<FakeReply["toolCalls"]>[number] => ({
  id,
  name: "get_weather",
  arguments: { city },
  argumentFragments: 4,
});

/** A logger that resolves `warned` on its first warning. */
function watchingLogger() {
  const warned = gate<string | undefined>();
  const logger: Logger = {
    child: () => logger,
    debug: () => undefined,
    info: () => undefined,
    warn: (_obj, msg) => warned.open(msg),
    error: () => undefined,
  };
  return { logger, warned: warned.promise };
}

describe("OpenAIChatNode", () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  function makeNode(
    options: Partial<OpenAIChatNodeOptions> = {},
    userSays = "What's the weather in Paris?",
  ) {
    const node = new OpenAIChatNode({
      systemPrompt: "You are a weather agent.",
      llm: new OpenAIChat({ model: "gpt-4o-mini", apiKey: "test", baseURL: server.baseURL }),
      retryDelayMs: 1,
      ...options,
    });
    node.addEvent(new UserTranscriptionReceived({ content: userSays }));
    return node;
  }

  describe("streaming", () => {
    it("aborts a model stream that stalls for stallTimeoutMs and speaks the fallback", async () => {
      server.enqueue({ content: "Let me think about", stallAfterChunks: 2 });
      const { logger, warned } = watchingLogger();
      const node = makeNode({ stallTimeoutMs: 1000, logger });
      const events = await collect(node.generate());
      expect(spoken(events)).toBe("Let Sorry, I'm having trouble right now.");
      const error = events.find((e) => e instanceof AgentError);
      expect(error?.code).toBe("LLM_ERROR");
      expect(error?.error).toBe("the model sent nothing for 1000 ms");
      expect(await warned).toBe("model stream stalled; aborted");
      await server.waitForClientAbort(0);
      expect(server.chatRequests).toHaveLength(1); // a stall is not retried
    });

    it("does not count the route's time with a chunk as a stall", async () => {
      server.enqueue({ content: "one two" });
      const node = makeNode({ stallTimeoutMs: 1000 });
      const events: object[] = [];
      for await (const event of node.generate()) {
        events.push(event);
        await new Promise((resolve) => setTimeout(resolve, 1200)); // a slow consumer, not a stalled model
      }
      expect(spoken(events)).toBe("one two");
      expect(events.some((e) => e instanceof AgentError)).toBe(false);
    });

    it("streams the model's text as AgentResponses and records the turn", async () => {
      server.enqueue({ content: "It is sunny today." });
      const node = makeNode();
      const events = await collect(node.generate());
      expect(events.slice(0, -1).map((e) => (e as AgentResponse).content)).toEqual([
        "It",
        " is",
        " sunny",
        " today.",
      ]);
      expect(events.at(-1)).toBeInstanceOf(AgentGenerationComplete);
      expect(server.requests[0]!.body!.messages).toEqual([
        { role: "system", content: "You are a weather agent." },
        { role: "user", content: "What's the weather in Paris?" },
      ]);
      expect(node.conversationEvents.at(-1)).toEqual(
        new AgentResponse({ content: "It is sunny today." }),
      );
    });
  });

  describe("tools", () => {
    it("runs a tool call split across deltas and streams the follow-up", async () => {
      server.enqueue(
        { content: "Let me check.", toolCalls: [weatherCall("call_paris", "Paris")] },
        { content: "It's 21 degrees in Paris." },
      );
      const node = makeNode({ tools: [weather()] });
      const events = await collect(node.generate());
      const call = events.find((e) => e instanceof ToolCall);
      const result = events.find((e) => e instanceof ToolResult);
      expect(call).toMatchObject({
        toolName: "get_weather",
        toolArgs: { city: "Paris" },
        toolCallId: "call_paris",
      });
      expect(result).toMatchObject({
        toolCallId: "call_paris",
        result: { city: "Paris", tempC: 21 },
      });
      expect(spoken(events)).toBe("Let me check. It's 21 degrees in Paris.");
      expect(server.requests[0]!.body!.tools).toEqual(node.tools.schemas);
      expect(server.requests[1]!.body!.messages!.slice(2)).toEqual([
        {
          role: "assistant",
          content: "Let me check.",
          tool_calls: [
            {
              id: "call_paris",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_paris", content: '{"city":"Paris","tempC":21}' },
      ]);
    });

    it("runs parallel tool calls concurrently and returns results in call order", async () => {
      server.enqueue(
        {
          toolCallOrder: "interleaved",
          toolCalls: [weatherCall("call_a", "Paris"), weatherCall("call_b", "Oslo")],
        },
        { content: "Paris 21, Oslo 3." },
      );
      const started: string[] = [];
      const bothStarted = gate();
      const tool = weather(async (city) => {
        started.push(city);
        if (started.length === 2) bothStarted.open();
        await bothStarted.promise; // would never open if the calls ran one after another
        return { city, tempC: city === "Paris" ? 21 : 3 };
      });
      const events = await collect(makeNode({ tools: [tool] }).generate());
      expect(events.filter((e) => e instanceof ToolCall).map((e) => e.toolCallId)).toEqual([
        "call_a",
        "call_b",
      ]);
      expect(
        events.filter((e) => e instanceof ToolResult).map((e) => [e.toolCallId, e.resultStr]),
      ).toEqual([
        ["call_a", '{"city":"Paris","tempC":21}'],
        ["call_b", '{"city":"Oslo","tempC":3}'],
      ]);
      const followUp = server.requests[1]!.body!.messages!;
      expect(followUp.filter((m) => (m as { role: string }).role === "tool")).toHaveLength(2);
    });

    it("uses several rounds of tools, each request seeing the previous results", async () => {
      server.enqueue(
        { toolCalls: [weatherCall("call_1", "Paris")] },
        { content: "And Oslo:", toolCalls: [weatherCall("call_2", "Oslo")] },
        { content: "Both are nice." },
      );
      const node = makeNode({ tools: [weather()] });
      const events = await collect(node.generate());
      expect(server.chatRequests).toHaveLength(3);
      expect(events.filter((e) => e instanceof ToolResult)).toHaveLength(2);
      const roles = (server.requests[2]!.body!.messages as { role: string }[]).map((m) => m.role);
      expect(roles).toEqual(["system", "user", "assistant", "tool", "assistant", "tool"]);
      expect(spoken(events)).toBe("And Oslo: Both are nice.");
    });

    it("bounds the rounds: after maxToolRounds the model is asked without tools", async () => {
      server.respondWith((request) =>
        request.body?.tools
          ? { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] }
          : { content: "Enough." },
      );
      const events = await collect(makeNode({ tools: [weather()], maxToolRounds: 2 }).generate());
      expect(server.chatRequests).toHaveLength(3);
      expect(server.requests[2]!.body).not.toHaveProperty("tools");
      expect(events.filter((e) => e instanceof ToolCall)).toHaveLength(2);
      expect(spoken(events)).toBe("Enough.");
    });

    it("keeps malformed arguments raw and lets the model see the error", async () => {
      server.enqueue(
        { toolCalls: [{ id: "call_bad", name: "get_weather", arguments: '{"city": "Par' }] },
        { content: "Sorry, which city?" },
      );
      const events = await collect(makeNode({ tools: [weather()] }).generate());
      expect(events.find((e) => e instanceof ToolCall)).toMatchObject({
        rawArguments: '{"city": "Par',
        toolArgs: {},
      });
      const result = events.find((e) => e instanceof ToolResult)!;
      expect(result.error).toMatch(/not valid JSON/);
      const messages = server.requests[1]!.body!.messages as Record<string, unknown>[];
      expect(messages[2]).toMatchObject({ tool_calls: [{ function: { arguments: "{}" } }] });
      expect(messages[3]).toMatchObject({
        role: "tool",
        tool_call_id: "call_bad",
        content: expect.stringMatching(/^Error:/),
      });
    });

    it("says the filler when tools are slow, between the calls and the results", async () => {
      server.enqueue(
        { toolCalls: [weatherCall("call_slow", "Paris")] },
        { content: "It's 21 degrees." },
      );
      const release = gate();
      const node = makeNode({
        tools: [weather(async (city) => (await release.promise, { city }))],
        fillerAfterMs: 10,
      });
      const events: object[] = [];
      for await (const event of node.generate()) {
        events.push(event);
        if (event instanceof AgentResponse && event.content === "One moment while I look that up.")
          release.open();
      }
      expect(events.map((e) => e.constructor.name)).toEqual([
        "ToolCall",
        "AgentResponse",
        "ToolResult",
        "AgentResponse",
        "AgentResponse",
        "AgentResponse",
        "AgentGenerationComplete",
      ]);
      // Both model requests reported usage: the completion has their sums.
      expect(events.at(-1)).toMatchObject({
        inputTokens: expect.any(Number) as unknown,
        outputTokens: expect.any(Number) as unknown,
      });
      expect(spoken(events)).toBe("One moment while I look that up. It's 21 degrees.");
    });

    it("never says the filler with fillerAfterMs: Infinity", async () => {
      server.enqueue({ toolCalls: [weatherCall("call_i", "Paris")] }, { content: "Done." });
      // The tool takes longer than the 1 ms setTimeout would turn Infinity into.
      const slowTool = weather(async (city) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { city };
      });
      const events = await collect(
        makeNode({ tools: [slowTool], fillerAfterMs: Infinity }).generate(),
      );
      expect(spoken(events)).toBe("Done.");
    });

    it("says no filler when tools are quick", async () => {
      server.enqueue({ toolCalls: [weatherCall("call_q", "Paris")] }, { content: "Done." });
      const events = await collect(
        makeNode({ tools: [weather()], fillerAfterMs: 60_000 }).generate(),
      );
      expect(spoken(events)).toBe("Done.");
    });
  });

  describe("interruption", () => {
    it("aborting mid-stream closes the model's HTTP connection and ends the generation", async () => {
      server.enqueue({ content: "one two three four five", stallAfterChunks: 3 });
      const controller = new AbortController();
      const node = makeNode();
      const events: object[] = [];
      for await (const event of node.generate(undefined, { signal: controller.signal })) {
        events.push(event);
        if (events.length === 2) controller.abort();
      }
      await expect(server.waitForClientAbort(0)).resolves.toMatchObject({ chunksSent: 3 });
      expect(spoken(events)).toBe("one two");
      expect(node.conversationEvents.at(-1)).toMatchObject({ interrupted: true });
    });

    it("aborting mid-tool aborts the running tool and sends no follow-up request", async () => {
      server.enqueue({ toolCalls: [weatherCall("call_t", "Paris")] }, { content: "never" });
      const toolStarted = gate();
      const toolAborted = gate();
      const tool = weather(
        (_city, signal) =>
          new Promise((_resolve, reject) => {
            toolStarted.open();
            signal.addEventListener("abort", () => {
              toolAborted.open();
              reject(signal.reason as Error);
            });
          }),
      );
      const controller = new AbortController();
      const node = makeNode({ tools: [tool], fillerAfterMs: 60_000 });
      const run = collect(node.generate(undefined, { signal: controller.signal }));
      await toolStarted.promise;
      controller.abort();
      await toolAborted.promise;
      const events = await run;
      // Outside a route nothing fences off the completion marker; a route drops it (see the route test).
      expect(
        events
          .filter((e) => !(e instanceof AgentGenerationComplete))
          .map((e) => e.constructor.name),
      ).toEqual(["ToolCall"]);
      expect(server.chatRequests).toHaveLength(1);
      expect(node.conversationEvents.at(-1)).toMatchObject({
        toolCallId: "call_t",
        interrupted: true,
      });
    });

    it("a tool with onInterrupt: continue finishes after the interrupt and its result joins the history", async () => {
      server.enqueue({
        toolCalls: [{ id: "call_b", name: "book_table", arguments: { people: 2 } }],
      });
      const toolStarted = gate();
      const finishBooking = gate();
      const booked = gate();
      const book = defineTool({
        name: "book_table",
        description: "Books a table.",
        parameters: z.object({ people: z.number() }),
        onInterrupt: "continue",
        execute: async ({ people }) => {
          toolStarted.open();
          await finishBooking.promise;
          return { confirmation: `T-${people}` };
        },
      });
      const controller = new AbortController();
      const node = makeNode({ tools: [book], fillerAfterMs: 60_000 });
      const addEvent = node.addEvent.bind(node);
      node.addEvent = (event) => {
        addEvent(event);
        if (event instanceof ToolResult && event.interrupted !== true) booked.open();
      };
      const run = collect(node.generate(undefined, { signal: controller.signal }));
      await toolStarted.promise;
      controller.abort();
      await run;
      expect(node.conversationEvents.at(-1)).toMatchObject({
        toolCallId: "call_b",
        interrupted: true,
      });

      finishBooking.open();
      await booked.promise;
      const results = node.conversationEvents.filter((e) => e instanceof ToolResult);
      expect(results).toHaveLength(1);
      expect(results[0]).toMatchObject({ toolCallId: "call_b", result: { confirmation: "T-2" } });
    });

    it("an interrupt during a retry backoff ends quietly without another request", async () => {
      server.enqueue({ error: { status: 503 } });
      // Full jitter draws the delay from 0..window; pin the draw near the top so the backoff is long.
      const random = vi.spyOn(Math, "random").mockReturnValue(0.99);
      onTestFinished(() => random.mockRestore());
      const { logger, warned } = watchingLogger();
      const controller = new AbortController();
      const node = makeNode({ logger, retryDelayMs: 60_000 });
      const run = collect(node.generate(undefined, { signal: controller.signal }));
      await expect(warned).resolves.toMatch(/retrying/);
      controller.abort();
      expect((await run).filter((e) => !(e instanceof AgentGenerationComplete))).toEqual([]);
      expect(server.chatRequests).toHaveLength(1);
    });
  });

  describe("failures", () => {
    it("turns a 401 into an AgentError and a spoken fallback, without retrying", async () => {
      server.enqueue({ error: { status: 401 } });
      const node = makeNode();
      const events = await collect(node.generate());
      expect(events[0]).toBeInstanceOf(AgentError);
      expect(events[0]).toMatchObject({
        code: "LLM_ERROR",
        error: expect.stringMatching(/Incorrect API key/),
      });
      expect(spoken(events)).toBe("Sorry, I'm having trouble right now.");
      expect(events.at(-1)).toBeInstanceOf(AgentGenerationComplete);
      expect(server.chatRequests).toHaveLength(1);
    });

    it.each([429, 500])("retries a %i before the first chunk, then streams", async (status) => {
      server.enqueue({ error: { status } }, { content: "Back again." });
      const events = await collect(makeNode().generate());
      expect(spoken(events)).toBe("Back again.");
      expect(events.some((e) => e instanceof AgentError)).toBe(false);
      expect(server.chatRequests).toHaveLength(2);
    });

    it("gives up after maxRetries and speaks the fallback", async () => {
      server.enqueue(
        { error: { status: 500 } },
        { error: { status: 500 } },
        { error: { status: 500 } },
      );
      const events = await collect(
        makeNode({ maxRetries: 2, fallbackText: "Trouble." }).generate(),
      );
      expect(server.chatRequests).toHaveLength(3);
      expect(events.map((e) => e.constructor.name)).toEqual([
        "AgentError",
        "AgentResponse",
        "AgentGenerationComplete",
      ]);
      expect(spoken(events)).toBe("Trouble.");
    });

    it("retries a connection dropped before the first chunk", async () => {
      server.enqueue({ content: "lost", dropAfterChunks: 0 }, { content: "Got it." });
      const events = await collect(makeNode().generate());
      expect(spoken(events)).toBe("Got it.");
      expect(server.chatRequests).toHaveLength(2);
    });

    it("does not retry a connection dropped mid-stream: keeps what was said, then the fallback", async () => {
      server.enqueue({ content: "The weather in Paris is", dropAfterChunks: 4 });
      const node = makeNode();
      const events = await collect(node.generate());
      expect(events.map((e) => e.constructor.name)).toEqual([
        "AgentResponse",
        "AgentResponse",
        "AgentResponse",
        "AgentError",
        "AgentResponse",
        "AgentGenerationComplete",
      ]);
      expect(spoken(events)).toBe("The weather in Sorry, I'm having trouble right now.");
      expect(server.chatRequests).toHaveLength(1);
    });

    it("speaks the fallback when the server cannot be reached", async () => {
      const port = server.port;
      await server.close();
      const node = new OpenAIChatNode({
        systemPrompt: "",
        llm: new OpenAIChat({ model: "m", apiKey: "k", baseURL: `http://127.0.0.1:${port}/v1` }),
        retryDelayMs: 1,
      });
      const events = await collect(node.generate());
      expect(events[0]).toMatchObject({ code: "LLM_ERROR" });
      expect(spoken(events)).toBe("Sorry, I'm having trouble right now.");
    });
  });
});

describe("OpenAIChatNode with the offline ScriptedChat", () => {
  it("answers a weather question through the get_weather tool, with no network", async () => {
    const node = new OpenAIChatNode({
      systemPrompt: "You are a weather agent.",
      llm: new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 }),
      tools: [weather(async (city) => ({ city, tempC: 18, conditions: "cloudy" }))],
    });
    node.addEvent(new UserTranscriptionReceived({ content: "How's the weather in Lisbon?" }));
    const events = await collect(node.generate());
    expect(events.find((e) => e instanceof ToolCall)).toMatchObject({
      toolArgs: { city: "Lisbon" },
    });
    expect(spoken(events)).toBe(
      "Let me check the weather for you. It's 18 degrees Celsius and cloudy in Lisbon right now.",
    );
  });
});
