import { context, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from "@opentelemetry/sdk-trace-base";
import { Bridge, defineTool } from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode } from "@switchboard/openai";
import { FakeOpenAIServer, HarnessClient } from "@switchboard/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startTestApp, type TestApp } from "./internal/test-app.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, tempC: 21 }),
});
const readSecrets = defineTool({
  name: "read_secrets",
  description: "Fails the way a careless tool does.",
  parameters: z.object({}),
  execute: () => {
    throw new Error("ENOENT: no such file or directory, open '/srv/app/secrets.json'");
  },
});

let model: FakeOpenAIServer;
let testApp: TestApp;

beforeEach(async () => {
  exporter.reset();
  model = await FakeOpenAIServer.start();
  testApp = await startTestApp(async (system) => {
    const node = new OpenAIChatNode({
      systemPrompt: "You are a weather agent.",
      llm: new OpenAIChat({ model: "gpt-4o-mini", apiKey: "test-key", baseURL: model.baseURL }),
      tools: [getWeather, readSecrets],
      maxRetries: 0,
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.waitForShutdown();
  });
});
afterEach(async () => {
  await testApp.app.close();
  await model.close();
});

/** One call: connect, one turn, hang up; resolves once the app has ended the call (and its span). */
async function oneTurn(callId: string, utterance: string) {
  const client = await HarnessClient.connect(`${testApp.wsUrl}?call_id=${callId}`);
  await client.say(utterance);
  const reply = await client.reply();
  await client.close();
  await testApp.app.close();
  return reply;
}

const named = (name: string): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((span) => span.name === name);
const one = (name: string): ReadableSpan => {
  const spans = named(name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe("OpenTelemetry spans of a call", () => {
  it("nest call → generation → model requests and tool calls, with GenAI attributes", async () => {
    model.enqueue({
      toolCalls: [{ id: "call_w", name: "get_weather", arguments: { city: "Paris" } }],
    });
    model.enqueue({ content: "It is 21 degrees in Paris." });

    const reply = await oneTurn("call-otel-1", "What's the weather in Paris?");
    expect(reply.text).toBe("It is 21 degrees in Paris.");

    const call = one("switchboard.call");
    expect(call.attributes["switchboard.call.id"]).toBe("call-otel-1");
    expect(call.attributes["switchboard.call.end_reason"]).toBe("client_closed");

    const generation = one("switchboard.generation");
    expect(parentOf(generation)).toBe(call.spanContext().spanId);
    expect(generation.spanContext().traceId).toBe(call.spanContext().traceId);
    expect(generation.attributes).toMatchObject({
      "switchboard.node.id": expect.any(String),
      "switchboard.generation.id": expect.any(String),
      "switchboard.generation.interrupted": false,
      // Both model requests: FakeOpenAIServer counts a prompt as 10 tokens, a delta as one.
      "gen_ai.usage.input_tokens": 20,
    });
    expect(generation.attributes["switchboard.generation.chunks"]).toBeGreaterThan(0);
    expect(generation.attributes["switchboard.generation.ttfc_ms"]).toEqual(expect.any(Number));

    const requests = named("chat gpt-4o-mini");
    expect(requests).toHaveLength(2);
    for (const request of requests) {
      expect(parentOf(request)).toBe(generation.spanContext().spanId);
      expect(request.status.code).toBe(SpanStatusCode.UNSET);
      expect(request.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini",
        "gen_ai.usage.input_tokens": 10,
      });
    }
    expect(requests.map((r) => r.attributes["gen_ai.response.finish_reasons"])).toEqual([
      ["tool_calls"],
      ["stop"],
    ]);
    const outputTokens = requests.map((r) => r.attributes["gen_ai.usage.output_tokens"] as number);
    expect(generation.attributes["gen_ai.usage.output_tokens"]).toBe(
      outputTokens[0]! + outputTokens[1]!,
    );

    const tool = one("execute_tool get_weather");
    expect(parentOf(tool)).toBe(generation.spanContext().spanId);
    expect(tool.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "gen_ai.tool.call.id": "call_w",
      "switchboard.tool.outcome": "success",
    });

    // Token usage is part of the generation's metrics on the wire too: in its completion.
    expect(reply.frames.at(-1)).toMatchObject({
      event: "generation_complete",
      metadata: { input_tokens: 20, output_tokens: outputTokens[0]! + outputTokens[1]! },
    });
  });

  it("records failures by kind, without messages that carry internals", async () => {
    model.enqueue({ toolCalls: [{ id: "call_s", name: "read_secrets", arguments: {} }] });
    model.enqueue({ error: { status: 500, message: "upstream db at 10.0.0.7 refused" } });

    await oneTurn("call-otel-2", "Read the secrets.");

    const tool = one("execute_tool read_secrets");
    expect(tool.attributes["switchboard.tool.outcome"]).toBe("error");
    expect(tool.attributes["error.type"]).toBe("tool_error");
    expect(tool.status.code).toBe(SpanStatusCode.ERROR);
    expect(tool.status.message).not.toContain("/srv");

    const requests = named("chat gpt-4o-mini");
    expect(requests).toHaveLength(2);
    const failed = requests[1]!;
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "server" });
    expect(failed.attributes["error.type"]).toBe("500");
    for (const span of exporter.getFinishedSpans()) {
      expect(span.events).toEqual([]); // no recorded exceptions, so no stacks
      expect(JSON.stringify(span.attributes)).not.toContain("10.0.0.7");
      expect(span.status.message ?? "").not.toContain("10.0.0.7");
    }
  });

  it("marks an interrupted generation and its aborted model request, not as errors", async () => {
    model.enqueue({ content: "one two three four five six", stallAfterChunks: 3 });
    const client = await HarnessClient.connect(`${testApp.wsUrl}?call_id=call-otel-3`);
    await client.say("Count for me.");
    await client.waitFor((f) => f.type === "message");
    await client.interrupt();
    await model.waitForClientAbort(0);
    await client.close();
    await testApp.app.close();

    const generation = one("switchboard.generation");
    expect(generation.attributes["switchboard.generation.interrupted"]).toBe(true);
    expect(generation.status.code).toBe(SpanStatusCode.UNSET);
    const request = one("chat gpt-4o-mini");
    expect(request.attributes["switchboard.interrupted"]).toBe(true);
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
  });
});
