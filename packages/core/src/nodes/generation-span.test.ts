import { ROOT_CONTEXT, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import { SwitchboardError } from "../errors.js";
import { ToolRegistry } from "../tools/tool-registry.js";
import { defineTool } from "../tools/define-tool.js";
import { z } from "zod";
import type { ConversationContext } from "./conversation-context.js";
import { ReasoningNode } from "./reasoning-node.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
  trace.disable();
  await provider.shutdown();
});
beforeEach(() => exporter.reset());

type Script = (context: ConversationContext) => AsyncIterable<object | string>;

class ScriptNode extends ReasoningNode {
  constructor(readonly script: Script) {
    super({ systemPrompt: "test", nodeId: "agent" });
  }
  protected override processContext(context: ConversationContext): AsyncIterable<object | string> {
    return this.script(context);
  }
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable) {
    // consume
  }
}

describe("ReasoningNode generation spans", () => {
  it("hang under the bus's traceContext and carry the generation's numbers and tokens", async () => {
    const call = provider.getTracer("test").startSpan("call");
    const bus = new Bus({ traceContext: trace.setSpan(ROOT_CONTEXT, call) });
    const node = new ScriptNode(async function* (context) {
      yield "Hello ";
      context.recordTokenUsage({ inputTokens: 7, outputTokens: 2 });
      context.recordTokenUsage({ inputTokens: 5, outputTokens: 1 });
      yield "there.";
    });
    bus.registerBridge("agent-bridge", new Bridge(node));
    await drain(node.generate(undefined, { generationId: "g-1" }));
    call.end();

    const [generation] = exporter.getFinishedSpans().filter((s) => s.name !== "call");
    expect(generation?.name).toBe("switchboard.generation");
    expect(generation?.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(generation?.attributes).toMatchObject({
      "switchboard.node.id": "agent",
      "switchboard.bridge.name": "agent-bridge",
      "switchboard.generation.id": "g-1",
      "switchboard.generation.chunks": 2,
      "switchboard.generation.total_length": "Hello there.".length,
      "switchboard.generation.interrupted": false,
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
    });
    expect(generation?.status.code).toBe(SpanStatusCode.UNSET);
    await bus.close();
  });

  it("gives the generation's context to tool calls, whose spans are its children", async () => {
    const tools = new ToolRegistry([
      defineTool({
        name: "lookup",
        description: "Looks up.",
        parameters: z.object({}),
        execute: () => "found",
      }),
    ]);
    const node = new ScriptNode(async function* (context) {
      const [result] = await tools.execute([{ id: "c1", name: "lookup", arguments: "{}" }], {
        traceContext: context.traceContext,
      });
      yield result?.resultStr ?? "";
    });
    await drain(node.generate());

    const generation = exporter.getFinishedSpans().find((s) => s.name === "switchboard.generation");
    const tool = exporter.getFinishedSpans().find((s) => s.name === "execute_tool lookup");
    expect(tool?.parentSpanContext?.spanId).toBe(generation?.spanContext().spanId);
    expect(tool?.attributes).toMatchObject({
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "c1",
      "switchboard.tool.outcome": "success",
    });
  });

  it("records a failure by its kind, never its message", async () => {
    const node = new ScriptNode(async function* () {
      yield "partial";
      throw new SwitchboardError("TOOL_ERROR", "secret at /srv/app/.env");
    });
    await expect(drain(node.generate())).rejects.toThrow(SwitchboardError);

    const [generation] = exporter.getFinishedSpans();
    expect(generation?.status).toEqual({ code: SpanStatusCode.ERROR, message: "TOOL_ERROR" });
    expect(generation?.attributes["error.type"]).toBe("TOOL_ERROR");
    expect(generation?.events).toEqual([]);
  });

  it("marks an interrupted generation without calling it an error", async () => {
    const controller = new AbortController();
    const node = new ScriptNode(async function* () {
      yield "one";
      controller.abort();
      yield "two";
    });
    await drain(node.generate(undefined, { signal: controller.signal }));

    const [generation] = exporter.getFinishedSpans();
    expect(generation?.attributes["switchboard.generation.interrupted"]).toBe(true);
    expect(generation?.status.code).toBe(SpanStatusCode.UNSET);
  });
});
