import { spawn } from "node:child_process";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Bridge, UserTranscriptionReceived } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentAppOptions } from "./voice-agent-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

/**
 * An agent whose turn takes a few ms of timers (five chunks, 2 ms apart): a turn long enough that
 * the canary's latency measures the server's responsiveness, not loopback noise.
 */
async function agentApp(options: VoiceAgentAppOptions = {}) {
  const nodes = new Map<string, ScriptedNode>();
  testApp = await startTestApp(async (system, call) => {
    const node = new ScriptedNode("agent", async function* (ctx) {
      const said = ctx.getLatestUserTranscriptMessage() ?? "";
      for (let i = 0; i < 5; i++) {
        yield `${said.slice(0, 8)}:${i} `;
        await delay(2);
      }
    });
    nodes.set(call.callId, node);
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
  }, options);
  return { ...testApp, nodes };
}

/** The canary's median turn latency over `turns` turns. */
async function medianTurnMs(canary: HarnessClient, turns: number): Promise<number> {
  const totals: number[] = [];
  for (let i = 0; i < turns; i++) {
    await canary.say(`canary ${i}`);
    const reply = await canary.reply();
    expect(reply.chunks).toHaveLength(5);
    totals.push(reply.totalMs);
  }
  totals.sort((a, b) => a - b);
  return totals[Math.floor(totals.length / 2)] ?? 0;
}

/**
 * Sends `frame` as fast as the client's socket takes it (wire speed) until `stop` is set; the
 * client only waits when its own send buffer holds over 1 MiB, i.e. when the server stops reading.
 * It runs in the test's process, so what it costs the CPU is not the server's.
 */
async function flood(client: HarnessClient, frame: string, stop: { done: boolean }) {
  let sent = 0;
  while (!stop.done && client.closeInfo === undefined) {
    if (client.socket.bufferedAmount < 1024 * 1024) {
      for (let i = 0; i < 32; i++) client.socket.send(frame, () => undefined);
      sent += 32;
      await new Promise((resolve) => setImmediate(resolve));
    } else {
      // The server stopped reading: poll gently, so the flooder (in this process) does not spin.
      await delay(5);
    }
  }
  return sent;
}

/**
 * A flooder in its own process (as an attacker is): it sends `frame` at wire speed, waiting only
 * while its socket holds over 1 MiB unsent (when the server stops reading). Prints `open`, then
 * `closed <code>`. Only the server's cost shows in this process's event loop.
 */
const FLOODER = `
import { WebSocket } from "ws";
const [url, frame] = process.argv.slice(1);
const ws = new WebSocket(url);
ws.on("error", () => undefined);
ws.on("close", (code) => { console.log("closed " + code); process.exit(0); });
ws.on("open", () => {
  console.log("open");
  const pump = () => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount < 1024 * 1024) {
      for (let i = 0; i < 64; i++) ws.send(frame);
      setImmediate(pump);
    } else setTimeout(pump, 5);
  };
  pump();
});
`;

function startFlooder(url: string, frame: string) {
  const child = spawn(process.execPath, ["--input-type=module", "-e", FLOODER, url, frame], {
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  const opened = new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("open")) resolve();
    });
    child.once("exit", () => reject(new Error(`flooder exited: ${output}`)));
  });
  const exited = new Promise<string>((resolve) => child.once("exit", () => resolve(output)));
  return {
    opened,
    /** Stops the flood (if still running) and resolves with what the flooder printed. */
    stop: () => {
      child.kill();
      return exited;
    },
  };
}

describe("hostile callers", () => {
  it.each([
    ["8 KiB transcriptions", JSON.stringify({ type: "message", content: "word ".repeat(1638) })],
    ["tiny frames", '{"type":"agent_state","value":"idle"}'],
  ])(
    "a caller flooding %s at wire speed keeps a canary call's turn latency within 2x",
    async (_kind, frame) => {
      const { wsUrl, nodes } = await agentApp();
      const canary = await HarnessClient.connect(`${wsUrl}?call_id=canary`);
      await medianTurnMs(canary, 5); // warm-up: JIT, first timers
      const baseline = await medianTurnMs(canary, 21);

      const flooder = startFlooder(`${wsUrl}?call_id=flooder`, frame);
      await flooder.opened;
      await delay(300); // let the flood reach full speed before measuring
      const underFlood = await medianTurnMs(canary, 21);
      await flooder.stop();

      expect(underFlood / baseline).toBeLessThanOrEqual(2);
      // The flooder's one merged turn stays within maxTurnBytes, however much it sent.
      const turn = nodes.get("flooder")?.conversationEvents.at(-1);
      if (turn instanceof UserTranscriptionReceived)
        expect(Buffer.byteLength(turn.content)).toBeLessThanOrEqual(32 * 1024);
      await canary.close();
    },
  );

  it("closes a persistent flooder with 1008 while the canary call goes on", async () => {
    const { wsUrl, app } = await agentApp({ harness: { maxOverRateMs: 300 } });
    const canary = await HarnessClient.connect(`${wsUrl}?call_id=canary`);
    const flooder = await HarnessClient.connect(`${wsUrl}?call_id=flooder`);
    const stop = { done: false };
    const flooding = flood(flooder, '{"type":"agent_state","value":"idle"}', stop);
    expect(await flooder.waitForClose()).toEqual({
      code: 1008,
      reason: "input over the rate limit for too long",
    });
    stop.done = true;
    await flooding;
    await canary.say("still here");
    expect((await canary.reply()).chunks).toHaveLength(5);
    expect(app.sessionCount).toBe(1);
    await canary.close();
  });

  it("keeps a 1 MiB-transcription flooder's memory bounded: its turn is capped, then it is closed", async () => {
    const { wsUrl, nodes } = await agentApp({ harness: { maxOverRateMs: 1000 } });
    const canary = await HarnessClient.connect(`${wsUrl}?call_id=canary`);
    const flooder = await HarnessClient.connect(`${wsUrl}?call_id=flooder`);
    const big = JSON.stringify({ type: "message", content: "x".repeat(1024 * 1024 - 40) });
    const stop = { done: false };
    const flooding = flood(flooder, big, stop);
    expect((await flooder.waitForClose()).code).toBe(1008);
    stop.done = true;
    await flooding;
    const turn = nodes.get("flooder")?.conversationEvents.at(-1) as UserTranscriptionReceived;
    expect(Buffer.byteLength(turn.content)).toBe(32 * 1024);
    await canary.say("fine?");
    expect((await canary.reply()).chunks).toHaveLength(5);
    await canary.close();
  });
});
