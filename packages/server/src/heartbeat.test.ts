import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentSystem } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

describe("WebSocket heartbeat", () => {
  it("terminates a peer that stops answering pings; a live canary call stays", async () => {
    const systems = new Map<string, VoiceAgentSystem>();
    testApp = await startTestApp(
      (system, call) => {
        systems.set(call.callId, system);
        const node = new ScriptedNode("agent", async function* () {
          yield "pong";
        });
        const bridge = new Bridge(node);
        bridge.conversation(node);
        system.withSpeakingNode(node, bridge);
      },
      { harness: { heartbeatIntervalMs: 500 } },
    );
    const canary = await HarnessClient.connect(`${testApp.wsUrl}?call_id=canary`);
    // A vanished peer: its socket is open but nothing answers (no automatic pong).
    const ghost = new WebSocket(`${testApp.wsUrl}?call_id=ghost`, { autoPong: false });
    await new Promise((resolve) => ghost.once("open", resolve));
    const ghostClosed = new Promise<number>((resolve) => ghost.once("close", resolve));
    while (!systems.has("ghost")) await new Promise((resolve) => setImmediate(resolve));

    expect(await systems.get("ghost")!.waitForShutdown()).toBe("client_closed");
    expect(await ghostClosed).toBe(1006);
    for (let i = 0; i < 3; i++) {
      await canary.say(`still here ${i}`);
      expect((await canary.reply()).text).toBe("pong");
    }
    expect(testApp.app.sessionCount).toBe(1);
    await canary.close();
  });
});
