import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { CallHandler, VoiceAgentAppOptions } from "./voice-agent-app.js";

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
