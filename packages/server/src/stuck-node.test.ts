import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentAppOptions } from "./voice-agent-app.js";
import type { VoiceAgentSystem } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A pino logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk: Buffer, _encoding, next) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        next();
      },
    }),
  );
  return { logger, lines };
}

/**
 * The `stuck` call's node says one word, then awaits something that never settles and ignores
 * its signal; every other call (the canary) answers at once.
 */
async function stuckApp(options: VoiceAgentAppOptions = {}) {
  const nodes = new Map<string, ScriptedNode>();
  const systems = new Map<string, VoiceAgentSystem>();
  testApp = await startTestApp(async (system, call) => {
    systems.set(call.callId, system);
    const node = new ScriptedNode("agent", async function* (ctx) {
      const said = ctx.getLatestUserTranscriptMessage() ?? "";
      yield `${call.callId}:${said}`;
      if (call.callId === "stuck") await new Promise(() => undefined);
    });
    nodes.set(call.callId, node);
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
  }, options);
  return { ...testApp, nodes, systems };
}

describe("a node stuck in an await that ignores its signal", () => {
  it("does not leak its session after hang-up: cleanup abandons it past teardownTimeoutMs", async () => {
    const { logger, lines } = capturingLogger();
    const { wsUrl, app, nodes, systems } = await stuckApp({ teardownTimeoutMs: 200, logger });
    const canary = await HarnessClient.connect(`${wsUrl}?call_id=canary`);
    const stuck = await HarnessClient.connect(`${wsUrl}?call_id=stuck`);
    await stuck.say("hello");
    await stuck.waitFor((f) => f.type === "message" && f.content === "stuck:hello");
    await stuck.close();

    const started = performance.now();
    await systems.get("stuck")?.cleanup(); // the session's own cleanup: idempotent, same promise
    expect(performance.now() - started).toBeLessThan(2000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(app.sessionCount).toBe(1);
    expect(nodes.get("stuck")?.cleaned).toBe(true);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: "generation abandoned: still tearing down past its deadline",
        session: "stuck",
        bridge: "agent",
        route: expect.any(String) as unknown,
        generationId: expect.stringMatching(/^[\w-]{9,20}$/) as unknown,
      }),
    );
    await canary.say("ping");
    expect((await canary.reply()).text).toBe("canary:ping");
    await canary.close();
  });

  it("does not wedge its session: after an interrupt the next turn starts once the deadline passes", async () => {
    const { wsUrl } = await stuckApp({ teardownTimeoutMs: 200 });
    const canary = await HarnessClient.connect(`${wsUrl}?call_id=canary`);
    const stuck = await HarnessClient.connect(`${wsUrl}?call_id=stuck`);
    await stuck.say("hello");
    await stuck.waitFor((f) => f.type === "message" && f.content === "stuck:hello");
    await stuck.interrupt();
    await canary.say("meanwhile");
    expect((await canary.reply()).text).toBe("canary:meanwhile");
    await stuck.say("again");
    await stuck.waitFor((f) => f.type === "message" && f.content === "stuck:again");
    await stuck.close();
    await canary.close();
  });

  it("does not hold up SIGTERM: the process exits 0 within shutdownTimeoutMs", async () => {
    const serverEntry = fileURLToPath(new URL("./index.ts", import.meta.url));
    const coreEntry = fileURLToPath(new URL("../../core/src/index.ts", import.meta.url));
    // The cleanup deadline is longer than the shutdown's: only the shutdown deadline can end it.
    const script = `
import { Bridge, ReasoningNode } from ${JSON.stringify(coreEntry)};
import { VoiceAgentApp } from ${JSON.stringify(serverEntry)};
class StuckNode extends ReasoningNode {
  async *processContext() {
    yield "working";
    await new Promise(() => undefined);
  }
}
const app = new VoiceAgentApp((system) => {
  const node = new StuckNode({ systemPrompt: "", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
}, {
  teardownTimeoutMs: 60_000,
  shutdownTimeoutMs: 500,
  // SIGTERM first drains (live calls may finish for drainTimeoutMs); this test is about the
  // shutdown deadline that follows, so the drain ends at once.
  drainTimeoutMs: 0,
});
const { url } = await app.run({ port: 0, host: "127.0.0.1" });
process.stdout.write(JSON.stringify({ url }) + "\\n");
`;
    dir = await mkdtemp(join(tmpdir(), "switchboard-stuck-"));
    const scriptPath = join(dir, "server.mts");
    await writeFile(scriptPath, script);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@switchboard/source", scriptPath],
      {
        cwd: fileURLToPath(new URL("../../..", import.meta.url)),
        env: { ...process.env, LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const firstLine = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once("line", resolve),
    );
    const { url } = JSON.parse(firstLine) as { url: string };
    const client = await HarnessClient.connect(`${url.replace("http", "ws")}/ws`);
    await client.say("go");
    await client.waitFor((f) => f.type === "message" && f.content === "working");

    const signalledAt = performance.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    // 500 ms of deadline, plus the process's own exit; far from forever.
    expect(performance.now() - signalledAt).toBeLessThan(3000);
    expect((await client.waitForClose()).code).toBe(1006);
  }, 30_000);
});
