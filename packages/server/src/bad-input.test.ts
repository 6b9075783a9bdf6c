import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode, type Script } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentAppOptions } from "./voice-agent-app.js";
import type { VoiceAgentSystem } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

const echo: Script = async function* (ctx) {
  yield `You said: ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
};

async function echoApp(options: VoiceAgentAppOptions = {}, script: Script = echo) {
  const systems: VoiceAgentSystem[] = [];
  const nodes: ScriptedNode[] = [];
  testApp = await startTestApp(async (system) => {
    const node = new ScriptedNode("agent", script);
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    systems.push(system);
    nodes.push(node);
    await system.start();
    await system.waitForShutdown();
  }, options);
  return { wsUrl: testApp.wsUrl, systems, nodes };
}

/** Sends `raw`, then checks that the session still answers a normal turn. */
async function expectErrorThenAlive(
  client: HarnessClient,
  raw: string | Buffer,
  expected: string | RegExp,
) {
  const since = client.frames.length;
  await client.send(raw);
  const error = await client.waitFor((f) => f.type === "error", { since });
  expect(error.type === "error" && error.content).toMatch(expected);
  // Machine-readable: a client tells its own mistake from an agent failure by the code.
  expect(error.type === "error" && error.code).toBe("PROTOCOL_ERROR");
  await client.say("still there?");
  expect((await client.reply({ since: client.frames.indexOf(error) + 1 })).text).toBe(
    "You said: still there?",
  );
}

describe("bad input", () => {
  it.each([
    ["not JSON", "hello there", /^frame is not valid JSON: /],
    ["a JSON array", "[1,2]", 'frame must be a JSON object with a string "type"'],
    ["JSON null", "null", 'frame must be a JSON object with a string "type"'],
    ["no type", '{"content":"hi"}', 'frame is missing a string "type" field'],
    [
      "an unknown type",
      '{"type":"shout","content":"hi"}',
      'unknown frame type "shout"; expected one of message, user_state, agent_state, agent_speech, dtmf',
    ],
    [
      "a missing field",
      '{"type":"message"}',
      /^invalid "message" frame: content: Invalid input: expected string, received undefined$/,
    ],
    [
      "a wrongly typed field",
      '{"type":"message","content":42}',
      /^invalid "message" frame: content: .*expected string, received number/,
    ],
    [
      "a bad enum value",
      '{"type":"user_state","value":"loud"}',
      /^invalid "user_state" frame: value: .*"speaking"\|"idle"/,
    ],
    [
      "a bad DTMF button",
      '{"type":"dtmf","button":"55"}',
      /^invalid "dtmf" frame: button: expected one of 0-9, \*, #, A-D$/,
    ],
  ])("answers %s with an error frame and goes on", async (_name, raw, expected) => {
    const { wsUrl } = await echoApp();
    const client = await HarnessClient.connect(wsUrl);
    await expectErrorThenAlive(client, raw, expected);
    await client.close();
  });

  it("answers a binary frame with an error frame and goes on", async () => {
    const { wsUrl } = await echoApp();
    const client = await HarnessClient.connect(wsUrl);
    await expectErrorThenAlive(
      client,
      Buffer.from(JSON.stringify({ type: "message", content: "hi" })),
      "binary frames are not supported; send JSON text frames",
    );
    await client.close();
  });

  it("closes a session that sends a frame over maxFrameBytes with 1009; other sessions go on", async () => {
    const { wsUrl } = await echoApp({ maxFrameBytes: 1024 });
    const bystander = await HarnessClient.connect(wsUrl);
    const client = await HarnessClient.connect(wsUrl);
    await client.send(JSON.stringify({ type: "message", content: "x".repeat(2000) }));
    expect((await client.waitForClose()).code).toBe(1009);

    // A frame just under the limit is fine.
    await bystander.send(JSON.stringify({ type: "message", content: "y".repeat(900) }));
    await bystander.say("ok");
    expect((await bystander.reply()).text).toBe(`You said: ${"y".repeat(900)} ok`);
    await bystander.close();
  });

  it("rate-limits a flood of frames: pauses reading instead of dropping, loses nothing, then recovers", async () => {
    const { wsUrl, systems } = await echoApp({ harness: { maxFramesPerSecond: 100 } });
    const client = await HarnessClient.connect(wsUrl);
    // 150 frames at once: 50 over a one-second burst, so reading pauses about half a second.
    await Promise.all(
      Array.from({ length: 150 }, () => client.send('{"type":"agent_state","value":"idle"}')),
    );
    await client.say("after the flood");
    const reply = await client.reply();
    expect(reply.text).toBe("You said: after the flood");
    expect(client.frames.filter((f) => f.type === "error")).toEqual([]);
    expect(systems[0]!.harness.stats).toMatchObject({ framesIn: 153, eventsIn: 153, rejected: 0 });
    expect(systems[0]!.harness.stats.ratePauses).toBeGreaterThanOrEqual(1);
    await client.close();
  });
});

describe("a slow client", () => {
  it("is closed with 1008 once its unread output passes maxBufferedBytes; memory stays bounded", async () => {
    const chunk = "z".repeat(16 * 1024);
    const limit = 256 * 1024;
    let yielded = 0;
    const { wsUrl, systems, nodes } = await echoApp(
      { harness: { maxBufferedBytes: limit } },
      async function* (ctx) {
        // Streams until cancelled; 64 MiB at most if nothing stopped it.
        for (let i = 0; i < 4096 && !ctx.signal.aborted; i++) {
          yielded++;
          yield chunk;
          await new Promise((resolve) => setImmediate(resolve));
        }
      },
    );
    const client = await HarnessClient.connect(wsUrl);
    client.socket.pause();
    await client.say("stream forever");

    const system = systems[0]!;
    expect(await system.waitForShutdown()).toBe("client_error");
    const buffered = system.harness.bufferedAmount;
    expect(buffered).toBeLessThanOrEqual(limit + chunk.length + 64);
    const yieldedAtClose = yielded;

    client.socket.resume();
    const closed = await client.waitForClose();
    await system.cleanup();
    expect(nodes[0]!.closedTurns).toBe(1);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toBe(`client too slow: over ${limit} bytes of output unread`);
    expect(yielded).toBe(yieldedAtClose);
    console.info(
      `slow client: closed after ${yielded} chunks of 16 KiB, ${buffered} bytes buffered at close`,
    );
  });
});
