import { isSpanContextValid, trace, type Span } from "@opentelemetry/api";
import { Bridge, GENERATION_METRICS } from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { FakeOpenAIServer, HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let model: FakeOpenAIServer | undefined;
let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  await model?.close();
});

describe("OpenTelemetry without an SDK", () => {
  it("records nothing and changes nothing: a call still answers, with its token metrics", async () => {
    model = await FakeOpenAIServer.start();
    const real = new OpenAIChat({
      model: "gpt-4o-mini",
      apiKey: "test-key",
      baseURL: model.baseURL,
    });
    const generationSpans: (Span | undefined)[] = [];
    const llm: ChatModel = {
      chat: (request) => {
        generationSpans.push(request.traceContext && trace.getSpan(request.traceContext));
        return real.chat(request);
      },
    };
    testApp = await startTestApp(async (system) => {
      const node = new OpenAIChatNode({ systemPrompt: "Be brief.", llm });
      const bridge = new Bridge(node);
      bridge.conversation(node);
      system.withSpeakingNode(node, bridge);
      await system.start();
      await system.waitForShutdown();
    });
    model.enqueue({ content: "Hello there." });

    const client = await HarnessClient.connect(testApp.wsUrl);
    await client.say("Hi");
    const reply = await client.reply();
    await client.close();

    expect(reply.text).toBe("Hello there.");
    expect(reply.frames).toContainEqual(
      expect.objectContaining({ name: GENERATION_METRICS.inputTokens, value: 10 }),
    );
    // The generation's span, handed to the model request, is the API's no-op.
    expect(generationSpans).toHaveLength(1);
    const span = generationSpans[0]!;
    expect(span.isRecording()).toBe(false);
    expect(isSpanContextValid(span.spanContext())).toBe(false);
  });
});
