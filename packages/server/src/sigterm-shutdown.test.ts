import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { spawnTestProcess, type TestProcess } from "./internal/test-process.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const serverEntry = fileURLToPath(new URL("./index.ts", import.meta.url));
const coreEntry = fileURLToPath(new URL("../../core/src/index.ts", import.meta.url));

/** An agent server as a user writes it: `app.run()`, one streaming node, a greeting. */
const script = `
import { Bridge, ReasoningNode } from ${JSON.stringify(coreEntry)};
import { VoiceAgentApp } from ${JSON.stringify(serverEntry)};

class SlowNode extends ReasoningNode {
  async *processContext(ctx) {
    try {
      for (let i = 0; i < 100000 && !ctx.signal.aborted; i++) {
        yield "word" + i + " ";
        await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      process.stdout.write(JSON.stringify({ generation: "closed" }) + "\\n");
    }
  }
}

const app = new VoiceAgentApp(async (system) => {
  const node = new SlowNode({ systemPrompt: "", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.sendInitialMessage("Hello!");
  await system.waitForShutdown();
}, { drainTimeoutMs: Number(process.env.DRAIN_MS ?? "25000") });
const { url } = await app.run({ port: 0, host: "127.0.0.1" });
process.stdout.write(JSON.stringify({ url }) + "\\n");
`;

let dir: string | undefined;
const servers: TestProcess[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) server.child.kill("SIGKILL");
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Starts the script above as a user runs it; its stdout is JSON lines. */
async function startServer(env: Record<string, string> = {}) {
  dir = await mkdtemp(join(tmpdir(), "switchboard-sigterm-"));
  const scriptPath = join(dir, "server.mts");
  await writeFile(scriptPath, script);
  const server = spawnTestProcess(
    process.execPath,
    ["--import", "tsx", "--conditions=@switchboard/source", scriptPath],
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent", ...env } },
  );
  servers.push(server);
  const url = String((await server.line((line) => "url" in line))["url"]);
  return { server, wsUrl: `${url.replace("http", "ws")}/ws` };
}

/** A call whose answer is streaming when this resolves. */
async function streamingCall(wsUrl: string): Promise<HarnessClient> {
  const client = await HarnessClient.connect(wsUrl);
  expect((await client.reply()).text).toBe("Hello!");
  await client.say("tell me everything");
  await client.waitFor((f) => f.type === "message" && f.content === "word3 ");
  return client;
}

describe("VoiceAgentApp.run()", () => {
  it("on SIGTERM with drainTimeoutMs 0 closes open sessions (1001), cancels the generation and exits 0", async () => {
    const { server, wsUrl } = await startServer({ DRAIN_MS: "0" });
    const client = await streamingCall(wsUrl);

    server.child.kill("SIGTERM");
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await server.line((line) => "generation" in line)).toEqual({ generation: "closed" });
    expect(await server.exited).toBe(0);
  }, 30_000);

  it("on SIGTERM drains: the live call goes on, and the process exits 0 once it ends", async () => {
    const { server, wsUrl } = await startServer();
    const client = await streamingCall(wsUrl);

    server.child.kill("SIGTERM");
    // Still answering: the chunks keep coming after the signal.
    const since = client.frames.length;
    await client.waitFor((f) => f.type === "message", { since });
    expect(client.closeInfo).toBeUndefined();
    await client.close();
    expect(await server.exited).toBe(0);
  }, 30_000);

  it("on SIGINT closes at once (1001) and exits 0", async () => {
    const { server, wsUrl } = await startServer();
    const client = await streamingCall(wsUrl);

    server.child.kill("SIGINT");
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await server.exited).toBe(0);
  }, 30_000);

  it("a second SIGTERM during a drain exits at once", async () => {
    const { server, wsUrl } = await startServer();
    const client = await streamingCall(wsUrl);

    server.child.kill("SIGTERM");
    await client.waitFor((f) => f.type === "message", { since: client.frames.length });
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(1);
    await client.waitForClose();
  }, 30_000);
});
