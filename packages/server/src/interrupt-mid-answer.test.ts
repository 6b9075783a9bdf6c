import { setTimeout as delay } from "node:timers/promises";
import { AgentResponse, Bridge, UserStartedSpeaking } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

describe("interrupting the agent mid-answer", () => {
  it("sends no frame of the interrupted generation after the interrupt, and the next turn is clean", async () => {
    let turn = 0;
    let framesAtInterrupt = -1;
    let node!: ScriptedNode;
    testApp = await startTestApp(async (system) => {
      // Streams `g<turn>-<i> ` until cancelled, paced like an LLM (the agent's pace, not test sync).
      node = new ScriptedNode("agent", async function* (ctx) {
        const g = ++turn;
        if (g > 1) {
          yield "fresh answer";
          return;
        }
        for (let i = 0; i < 2000 && !ctx.signal.aborted; i++) {
          yield `g${g}-${i} `;
          await delay(2);
        }
      });
      const bridge = new Bridge(node);
      bridge.conversation(node);
      // The moment the interrupt reaches the bus, count what the harness has already sent.
      const probe = new Bridge("probe");
      probe.on(UserStartedSpeaking).map(() => (framesAtInterrupt = system.harness.stats.framesOut));
      system.withSpeakingNode(node, bridge).withBridge(probe);
      await system.start();
      await system.waitForShutdown();
    });
    const client = await HarnessClient.connect(testApp.wsUrl);

    await client.say("tell me a long story");
    await client.waitFor((f) => f.type === "message" && f.content.startsWith("g1-5 "));
    await client.interrupt();
    await client.say("actually, stop");
    await client.reply();

    // Frames in flight when the client interrupted may still arrive; none sent after the server saw it.
    expect(framesAtInterrupt).toBeGreaterThanOrEqual(6);
    const afterInterrupt = client.frames.slice(framesAtInterrupt);
    const fresh = afterInterrupt.filter((f) => f.type === "message");
    expect(fresh.map((f) => f.content)).toEqual(["fresh answer"]);
    // Every frame of a generation carries its id, so a client can fence off a cancelled one.
    const interruptedIds = new Set(
      client.frames.slice(0, framesAtInterrupt).map((f) => f.generation_id),
    );
    expect(interruptedIds.size).toBe(1);
    expect(interruptedIds.has(undefined)).toBe(false);
    expect(fresh[0]?.generation_id).toMatch(/^[\w-]{9,20}$/);
    expect(interruptedIds.has(fresh[0]?.generation_id)).toBe(false);
    // No generation_complete for the cancelled turn: only the fresh one's.
    expect(client.frames.filter((f) => f.type === "log_event")).toHaveLength(1);

    // The generator was closed, and the history keeps exactly what was delivered, marked interrupted.
    expect(node.closedTurns).toBe(2);
    const delivered = client.frames
      .slice(0, framesAtInterrupt)
      .flatMap((f) => (f.type === "message" ? [f.content] : []))
      .join("");
    const interrupted = node.conversationEvents[1];
    expect(interrupted).toBeInstanceOf(AgentResponse);
    expect(interrupted).toMatchObject({ content: delivered, interrupted: true });
    await client.close();
  });
});
