import { trace, type Span } from "@opentelemetry/api";
import { Bridge } from "@switchboard/core";
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
    expect(reply.frames.at(-1)).toMatchObject({
      event: "generation_complete",
      metadata: { input_tokens: 10 },
    });
    // The generation's span is the API's no-op, with no valid context (no SDK, no remote parent):
    // it adds nothing to the context handed to the model request, which gets no span at all.
    expect(generationSpans).toEqual([undefined]);
  });
});
