import { Bridge, Bus, defineTool, type Logger } from "@switchboard/core";
import { FakeOpenAIServer } from "@switchboard/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAIChat } from "./openai-chat.js";
import { OpenAIChatNode } from "./openai-chat-node.js";

interface LogLine {
  level: string;
  bindings: Record<string, unknown>;
  fields: object;
  msg: string | undefined;
}

/** A pino-compatible logger that records every line with the bindings of its child chain. */
function recordingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (fields: object, msg?: string): void => {
      lines.push({ level, bindings, fields, msg });
    };
  return {
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
  };
}

const flaky = defineTool({
  name: "flaky",
  description: "Always fails.",
  parameters: z.object({}),
  execute: () => {
    throw new Error("the backend is down");
  },
});

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await FakeOpenAIServer.start();
});
afterEach(async () => {
  await server.close();
});

describe("OpenAIChatNode tool logs", () => {
  it("go through the app's logger (the bus's), as children of the node's", async () => {
    const lines: LogLine[] = [];
    const bus = new Bus({ logger: recordingLogger(lines, { app: "mine" }) });
    const node = new OpenAIChatNode({
      nodeId: "agent",
      systemPrompt: "Be brief.",
      llm: new OpenAIChat({ model: "gpt-4o-mini", apiKey: "k", baseURL: server.baseURL }),
      tools: [flaky], // a plain array: the node builds the registry
    });
    bus.registerBridge("agent", new Bridge(node));
    server.enqueue({ toolCalls: [{ id: "call_f", name: "flaky", arguments: {} }] });
    server.enqueue({ content: "Sorry, that failed." });

    for await (const _event of node.generate()) {
      // drain the generation
    }

    const failed = lines.find((line) => line.msg === "tool call failed");
    expect(failed).toMatchObject({
      level: "warn",
      bindings: { app: "mine", node: "agent", component: "tools" },
      fields: { toolName: "flaky", toolCallId: "call_f" },
    });
    await bus.close();
  });
});
