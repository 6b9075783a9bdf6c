import { AgentHandoff, Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { CallHandler, VoiceAgentAppOptions } from "./voice-agent-app.js";
import type { SystemDescription } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

const echo: CallHandler = async (system) => {
  const node = new ScriptedNode("agent", async function* (ctx) {
    yield "You said: ";
    yield ctx.getLatestUserTranscriptMessage() ?? "";
  });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
};

async function start(options: VoiceAgentAppOptions = {}): Promise<TestApp> {
  testApp = await startTestApp(echo, options);
  return testApp;
}

type Frame = HarnessClient["frames"][number] & Record<string, unknown>;
const isDebug = (frame: Frame) =>
  frame.type === "log_event" &&
  typeof frame["event"] === "string" &&
  frame["event"].startsWith("debug.");

/** One turn on a fresh call; returns every frame received. */
async function oneTurn(wsUrl: string): Promise<Frame[]> {
  const client = await HarnessClient.connect(wsUrl);
  await client.say("hello");
  await client.reply();
  await client.close();
  return client.frames;
}

describe("VoiceAgentApp › playground", () => {
  it("is off by default: no page, and /ws?debug=1 gets no debug frames", async () => {
    const { url, wsUrl } = await start();
    const page = await fetch(`${url}/playground`);
    expect(page.status).toBe(404);
    const frames = await oneTurn(`${wsUrl}?debug=1`);
    expect(frames.some((f) => f.type === "message")).toBe(true);
    expect(frames.filter(isDebug)).toEqual([]);
  });

  it("serves the page, its script and its stylesheet at /playground when on", async () => {
    const { url } = await start({ playground: true });
    const page = await fetch(`${url}/playground`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/playground/playground.js"></script>');
    const script = await fetch(`${url}/playground/playground.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await script.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${url}/playground/playground.css`)).status).toBe(200);
    expect((await fetch(`${url}/status`)).status).toBe(200);
  });

  it("sends the debug channel only to sessions that ask for it", async () => {
    const { wsUrl } = await start({ playground: true });
    expect((await oneTurn(wsUrl)).filter(isDebug)).toEqual([]);
  });
});

describe("VoiceAgentApp › playground › debug channel", () => {
  it("sends the topology, then every phase of each route execution, to a session that asks", async () => {
    const { wsUrl } = await start({ playground: true });
    const frames = await oneTurn(`${wsUrl}?debug=1`);
    const debug = frames.filter(isDebug);
    // Debug frames carry no generation_id of their own: fences never drop them.
    expect(debug.every((f) => f.generation_id === undefined)).toBe(true);

    const [topology] = debug;
    expect(topology?.["event"]).toBe("debug.topology");
    const description = topology?.["metadata"] as SystemDescription;
    expect(description.speakingNodeId).toBe("agent");
    expect(description.bridges.map((b) => b.name).sort()).toEqual(["agent", "system", "user"]);
    const agent = description.bridges.find((b) => b.name === "agent")!;
    const generation = agent.routes.find((r) => r.steps.some((s) => s.kind === "stream"))!;
    expect(generation.trigger).toBe("UserStoppedSpeaking");
    expect(generation.controls).toEqual([{ kind: "interrupt", event: "UserStartedSpeaking" }]);

    // The turn's generation, as the trace tells it: triggered, started, ended, with its id.
    const generationId = frames.find((f) => f.type === "message")?.generation_id;
    expect(generationId).toBeDefined();
    const phases = debug
      .map((f) => f["metadata"] as Record<string, unknown>)
      .filter((m) => m["bridge"] === "agent" && m["route_id"] === generation.id)
      .map((m) => [m["phase"], m["event"], m["generation_id"]]);
    expect(phases).toEqual([
      ["triggered", "user.stopped_speaking", undefined],
      ["started", "user.stopped_speaking", generationId],
      ["ended", "user.stopped_speaking", generationId],
    ]);
  });

  it("sends the topology again when the speaking node changes", async () => {
    testApp = await startTestApp(
      async (system) => {
        const front = new ScriptedNode("front-desk", async function* () {
          yield "Let me get billing.";
          yield new AgentHandoff({ targetAgent: "billing" });
        });
        const billing = new ScriptedNode("billing", async function* () {
          yield "Billing here.";
        });
        const frontBridge = new Bridge(front);
        frontBridge.conversation(front);
        const billingBridge = new Bridge(billing);
        billingBridge.conversation(billing);
        system.withSpeakingNode(front, frontBridge).withNode(billing, billingBridge);
        await system.start();
      },
      { playground: true },
    );
    const client = await HarnessClient.connect(`${testApp.wsUrl}?debug=1`);
    // Front desk hands off mid-answer: its generation_complete never reaches the user, so no reply().
    await client.say("my invoice");
    const topology = await client.waitFor(
      (f) =>
        f.type === "log_event" &&
        f.event === "debug.topology" &&
        (f.metadata as SystemDescription | undefined)?.speakingNodeId === "billing",
    );
    expect(topology.type).toBe("log_event");
    await client.close();
  });
});
