import { setTimeout as delay } from "node:timers/promises";
import {
  AgentResponse,
  Bridge,
  UserBackchannel,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { HarnessClient, type ServerFrame } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

const COUNT = Array.from({ length: 40 }, (_, i) => `c${i} `);

/** An app whose agent counts to 40 on its first turn (paced like an LLM) and answers later turns at once. */
async function countingApp(): Promise<{ node: () => ScriptedNode; client: HarnessClient }> {
  let node!: ScriptedNode;
  let turn = 0;
  testApp = await startTestApp(async (system) => {
    node = new ScriptedNode("agent", async function* (ctx) {
      if (++turn > 1) {
        yield `You said: ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
        return;
      }
      for (const chunk of COUNT) {
        await delay(3, undefined, { signal: ctx.signal });
        yield chunk;
      }
    });
    const bridge = new Bridge(node);
    bridge.conversation(node, { bargeIn: { falseInterruptionMs: 10_000 } });
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.waitForShutdown();
  });
  const client = await HarnessClient.connect(testApp.wsUrl);
  return { node: () => node, client };
}

const logEvent = (frame: ServerFrame, event: string) =>
  frame.type === "log_event" && frame.event === event;

describe("barge-in over the wire", () => {
  it("pauses for a backchannel and resumes exactly where it was: nothing lost, nothing repeated", async () => {
    const { node, client } = await countingApp();
    await client.say("count to forty");
    await client.waitFor((f) => f.type === "message" && f.content === "c5 ");
    await client.backchannel("mm-hmm");
    const reply = await client.reply();

    expect(reply.text).toBe(COUNT.join(""));
    const paused = client.frames.findIndex((f) => logEvent(f, "agent_paused"));
    const resumed = client.frames.findIndex((f) => logEvent(f, "agent_resumed"));
    expect(paused).toBeGreaterThan(0);
    expect(resumed).toBeGreaterThan(paused);
    // Held means held: no chunk went out between the two.
    expect(client.frames.slice(paused + 1, resumed).filter((f) => f.type === "message")).toEqual(
      [],
    );
    const generationId = client.frames[paused]?.generation_id;
    expect(generationId).toMatch(/^[\w-]{9,20}$/);
    expect(client.frames[resumed]?.generation_id).toBe(generationId);
    expect(
      new Set(client.frames.filter((f) => f.type === "message").map((f) => f.generation_id)),
    ).toEqual(new Set([generationId]));
    expect(node().conversationEvents).toEqual([
      new UserTranscriptionReceived({ content: "count to forty" }),
      new AgentResponse({ content: COUNT.join("") }),
      new UserBackchannel({ content: "mm-hmm" }),
    ]);
    await client.close();
  });

  it("cancels a confirmed interruption as today and answers it", async () => {
    const { node, client } = await countingApp();
    await client.say("count to forty");
    await client.waitFor((f) => f.type === "message" && f.content === "c5 ");
    await client.interrupt();
    await client.waitFor((f) => logEvent(f, "agent_paused"));
    await client.say("tell me about Paris instead");
    const reply = await client.reply();

    expect(reply.text).toBe("You said: tell me about Paris instead");
    expect(client.frames.some((f) => logEvent(f, "agent_resumed"))).toBe(false);
    const history = node().conversationEvents;
    const interrupted = client.frames.find((f) => logEvent(f, "agent_paused"))?.generation_id;
    const heard = client.frames
      .filter((f) => f.type === "message" && f.generation_id === interrupted)
      .map((f) => (f.type === "message" ? f.content : ""))
      .join("");
    expect(history[1]).toEqual(new AgentResponse({ content: heard, interrupted: true }));
    expect(history[2]).toEqual(
      new UserTranscriptionReceived({ content: "tell me about Paris instead" }),
    );
    expect(node().closedTurns).toBe(2);
    await client.close();
  });
});
