import {
  AgentError,
  Bridge,
  DTMFInputEvent,
  DTMFOutputEvent,
  EndCall,
  LogMetric,
  ToolCall,
  ToolRegistry,
  ToolResult,
  TransferCall,
} from "@switchboard/core";
import { HarnessClient, type ServerFrame } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode, type Script } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import { endCall, sendDtmf, transferCall } from "./system-tools/index.js";
import type { VoiceAgentSystem } from "./voice-agent-system.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(({ app }) => app.close()));
});

interface Agent {
  node: ScriptedNode;
  system: Promise<VoiceAgentSystem>;
  wsUrl: string;
}

/** An app whose every call runs `script` on one speaking node behind `bridge.conversation()`. */
async function agentApp(
  script: Script,
  options: { greeting?: string; extraRoutes?: (bridge: Bridge, node: ScriptedNode) => void } = {},
): Promise<Agent> {
  let node!: ScriptedNode;
  let resolveSystem!: (system: VoiceAgentSystem) => void;
  const system = new Promise<VoiceAgentSystem>((resolve) => (resolveSystem = resolve));
  const testApp = await startTestApp(async (sys) => {
    node = new ScriptedNode("agent", script);
    const bridge = new Bridge(node);
    bridge.conversation(node);
    options.extraRoutes?.(bridge, node);
    sys.withSpeakingNode(node, bridge);
    resolveSystem(sys);
    await sys.start();
    if (options.greeting !== undefined) await sys.sendInitialMessage(options.greeting);
    await sys.waitForShutdown();
  });
  apps.push(testApp);
  return {
    get node() {
      return node;
    },
    system,
    wsUrl: testApp.wsUrl,
  };
}

const words = (text: string) => text.split(/(?<= )/);
const echo: Script = async function* (ctx) {
  for (const word of words(`You said: ${ctx.getLatestUserTranscriptMessage() ?? ""}`)) yield word;
};
const types = (frames: ServerFrame[]) => frames.map((f) => f.type);
/** Frames without their generation ids, for comparing with literals. */
function plain<F extends ServerFrame>(frame: F): Omit<F, "generation_id">;
function plain<F extends ServerFrame>(frames: F[]): Omit<F, "generation_id">[];
function plain(value: ServerFrame | ServerFrame[]): unknown {
  const strip = ({ generation_id: _id, ...rest }: ServerFrame) => rest;
  return Array.isArray(value) ? value.map(strip) : strip(value);
}

describe("VoiceAgentApp conversation", () => {
  it("greets, then streams each turn in yield order and records it in the node's history", async () => {
    const agent = await agentApp(echo, { greeting: "Hello! How can I help?" });
    const client = await HarnessClient.connect(agent.wsUrl);

    const greeting = await client.reply();
    expect(greeting.text).toBe("Hello! How can I help?");
    expect(greeting.frames.at(-1)).toEqual({
      type: "log_event",
      event: "generation_complete",
      metadata: { total_length: 22, chunk_count: 1, interrupted: false },
    });

    await client.say("what is the weather like");
    const first = await client.reply();
    expect(first.chunks).toEqual(["You ", "said: ", "what ", "is ", "the ", "weather ", "like"]);
    expect(first.text).toBe("You said: what is the weather like");
    expect(first.ttfcMs).toBeGreaterThanOrEqual(0);
    expect(first.frames.at(-1)).toMatchObject({ metadata: { chunk_count: 7, interrupted: false } });

    await client.say("thanks");
    expect((await client.reply()).text).toBe("You said: thanks");
    expect(client.timings).toHaveLength(3);

    const history = agent.node.conversationEvents.map((e) => [
      e.constructor.name,
      (e as { content?: string }).content,
    ]);
    expect(history).toEqual([
      ["AgentResponse", "Hello! How can I help?"],
      ["UserTranscriptionReceived", "what is the weather like"],
      ["AgentResponse", "You said: what is the weather like"],
      ["UserTranscriptionReceived", "thanks"],
      ["AgentResponse", "You said: thanks"],
    ]);
    await client.close();
  });

  it("sends tool calls and their results as tool_call frames", async () => {
    const agent = await agentApp(async function* () {
      yield "Let me check. ";
      const call = new ToolCall({
        toolName: "get_weather",
        toolArgs: { city: "Paris" },
        toolCallId: "call_1",
      });
      yield call;
      yield new ToolResult({
        toolName: "get_weather",
        toolArgs: { city: "Paris" },
        result: { tempC: 21 },
        toolCallId: "call_1",
      });
      yield new ToolResult({
        toolName: "get_news",
        toolArgs: {},
        error: "service down",
        toolCallId: "call_2",
      });
      yield "It is 21 degrees.";
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("weather in Paris?");
    const reply = await client.reply();
    // The turn's metrics ride on its completion, the last frame: no log_metric frame of their own.
    expect(reply.frames.some((f) => f.type === "log_metric")).toBe(false);
    expect(reply.frames.at(-1)).toMatchObject({
      type: "log_event",
      event: "generation_complete",
      metadata: {
        total_length: 31,
        chunk_count: 2,
        interrupted: false,
        ttfc_ms: expect.any(Number) as unknown,
        duration_ms: expect.any(Number) as unknown,
      },
    });
    expect(plain(reply.frames.slice(0, -1))).toEqual([
      { type: "message", content: "Let me check. " },
      { type: "tool_call", name: "get_weather", arguments: { city: "Paris" }, id: "call_1" },
      {
        type: "tool_call",
        name: "get_weather",
        arguments: { city: "Paris" },
        result: { tempC: 21 },
        id: "call_1",
      },
      {
        type: "tool_call",
        name: "get_news",
        arguments: {},
        result: "Error: service down",
        id: "call_2",
      },
      { type: "message", content: "It is 21 degrees." },
    ]);
    await client.close();
  });

  it("ends the call on EndCall: end_call is the last frame, then the socket closes with 1000", async () => {
    const agent = await agentApp(async function* () {
      yield "Goodbye!";
      yield new EndCall();
      yield "never sent";
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("bye");
    const reply = await client.reply();
    expect(reply.endedBy).toBe("end_call");
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "call ended" });
    expect(types(client.frames)).toEqual(["message", "end_call"]);
    expect(await (await agent.system).waitForShutdown()).toBe("end_call");
    expect(agent.node.cleaned).toBe(true);
  });

  it("runs the endCall system tool: goodbye message, then end_call", async () => {
    const tools = new ToolRegistry([endCall]);
    const agent = await agentApp(async function* (_ctx) {
      const call = new ToolCall({
        toolName: "end_call",
        toolArgs: { goodbye_message: "Thanks for calling, bye!" },
      });
      yield call;
      yield* await tools.execute([call]);
      yield "not spoken after end_call";
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("that's all");
    await client.waitForClose();
    expect(client.frames.map((f) => (f.type === "message" ? f.content : f.type))).toEqual([
      "tool_call",
      "tool_call",
      "Thanks for calling, bye!",
      "end_call",
    ]);
    expect(client.closeInfo?.code).toBe(1000);
    expect(agent.node.conversationEvents).toContainEqual(
      expect.objectContaining({ content: "Thanks for calling, bye!" }),
    );
  });

  it("sends transfer, waits timeoutS, then ends the call", async () => {
    const agent = await agentApp(async function* () {
      yield "Transferring you now.";
      yield new TransferCall({ targetPhoneNumber: "+15551234567", timeoutS: 0.05 });
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("a human please");
    expect(plain(await client.waitFor((f) => f.type === "transfer"))).toEqual({
      type: "transfer",
      target_phone_number: "+15551234567",
    });
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "call transferred" });
    expect(await (await agent.system).waitForShutdown()).toBe("transfer");
  });

  it("runs the transferCall and sendDtmf system tools", async () => {
    const tools = new ToolRegistry([transferCall, sendDtmf]);
    const agent = await agentApp(async function* () {
      yield* await tools.execute([
        new ToolCall({ toolName: "send_dtmf", toolArgs: { buttons: "12#" } }),
        new ToolCall({
          toolName: "transfer_call",
          toolArgs: { target_phone_number: "+15550001111" },
        }),
      ]);
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("press 1 2 pound then transfer");
    await client.waitFor((f) => f.type === "transfer");
    const calls = client.frames.filter((f) => f.type === "dtmf" || f.type === "transfer");
    expect(plain(calls)).toEqual([
      { type: "dtmf", button: "1" },
      { type: "dtmf", button: "2" },
      { type: "dtmf", button: "#" },
      { type: "transfer", target_phone_number: "+15550001111" },
    ]);
    await client.close();
  });

  it("turns dtmf frames into DTMFInputEvent and DTMFOutputEvent into dtmf frames", async () => {
    const agent = await agentApp(echo, {
      extraRoutes: (bridge) =>
        bridge
          .on(DTMFInputEvent)
          .map((m) => new DTMFOutputEvent({ button: m.event.button }))
          .broadcast(),
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.send({ type: "dtmf", button: "#" });
    expect(plain(await client.waitFor((f) => f.type === "dtmf"))).toEqual({
      type: "dtmf",
      button: "#",
    });
    await client.close();
  });

  it("forwards AgentError and LogMetric as error and log_metric frames", async () => {
    const agent = await agentApp(async function* () {
      yield new LogMetric({ name: "cache_hit", value: 1 });
      yield new AgentError({ error: "the LLM is unavailable", code: "LLM_ERROR" });
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("hello");
    await client.waitFor((f) => f.type === "error");
    expect(plain(client.frames.slice(0, 2))).toEqual([
      { type: "log_metric", name: "cache_hit", value: 1 },
      {
        type: "error",
        content: "The agent hit an error",
        code: "LLM_ERROR",
        correlation_id: expect.stringMatching(UUID) as unknown,
      },
    ]);
    await client.close();
  });

  it("ends a turn whose node throws with an error frame; the next turn works", async () => {
    const agent = await agentApp(async function* (ctx) {
      const said = ctx.getLatestUserTranscriptMessage() ?? "";
      if (said.endsWith("boom")) {
        yield "Starting... ";
        throw new Error("kaboom");
      }
      yield* echo(ctx, agent.node);
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("boom");
    const failed = await client.reply();
    expect(failed.endedBy).toBe("error");
    expect(failed.frames.at(-1)).toEqual({
      type: "error",
      content: "The agent hit an error",
      code: "ROUTE_FAILED",
      correlation_id: expect.stringMatching(UUID) as unknown,
    });
    await client.say("hello again");
    expect((await client.reply()).text).toBe("You said: hello again");
    await client.close();
  });

  it("closes with 1011 and an error frame when the call handler throws", async () => {
    const testApp = await startTestApp(() => {
      throw new Error("no LLM key");
    });
    apps.push(testApp);
    const client = await HarnessClient.connect(testApp.wsUrl);
    expect(await client.waitForClose()).toEqual({ code: 1011, reason: "agent failed" });
    expect(client.frames).toEqual([
      {
        type: "error",
        content: "The agent hit an error",
        code: "HANDLER_FAILED",
        correlation_id: expect.stringMatching(UUID) as unknown,
      },
    ]);
  });

  it("cleans up when the client hangs up: generation cancelled, node cleaned", async () => {
    let started!: () => void;
    const turnStarted = new Promise<void>((resolve) => (started = resolve));
    const agent = await agentApp(async function* (ctx) {
      yield "thinking";
      started();
      await new Promise((_resolve, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
      );
    });
    const client = await HarnessClient.connect(agent.wsUrl);
    await client.say("hello");
    await turnStarted;
    await client.close();
    const system = await agent.system;
    expect(await system.waitForShutdown()).toBe("client_closed");
    await system.cleanup();
    expect(agent.node.closedTurns).toBe(1);
    expect(agent.node.cleaned).toBe(true);
    expect(system.bus.stats()).toMatchObject({ active: 0, tearingDown: 0, waiting: 0 });
  });
});
