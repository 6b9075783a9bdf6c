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

/** A server as a user writes it, on two workers; each call is greeted with the worker's pid. */
const script = `
import cluster from "node:cluster";
import { Bridge, ReasoningNode } from ${JSON.stringify(coreEntry)};
import { VoiceAgentApp } from ${JSON.stringify(serverEntry)};

class EchoNode extends ReasoningNode {
  async *processContext(ctx) {
    yield "heard " + ctx.getLatestUserTranscriptMessage();
  }
}
const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.sendInitialMessage("pid " + process.pid);
  await system.waitForShutdown();
});
const { url } = await app.run({ port: 0, host: "127.0.0.1", workers: 2 });
// run() resolves with the first worker's address; the test needs both listening.
if (cluster.isPrimary) {
  const listening = () =>
    Object.values(cluster.workers ?? {}).filter((w) => w?.state === "listening").length === 2;
  if (!listening())
    await new Promise((resolve) => cluster.on("listening", () => listening() && resolve()));
}
process.stdout.write(JSON.stringify({ url, pid: process.pid }) + "\\n");
`;

let dir: string | undefined;
let server: TestProcess | undefined;
afterEach(async () => {
  server?.child.kill("SIGKILL");
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Places one call and returns the pid of the worker that served it. */
async function servedBy(wsUrl: string): Promise<number> {
  const client = await HarnessClient.connect(wsUrl);
  const greeting = (await client.reply()).text;
  await client.say("ping");
  expect((await client.reply()).text).toBe("heard ping");
  await client.close();
  return Number(/^pid (\d+)$/.exec(greeting)?.[1]);
}

describe("VoiceAgentApp.run({ workers })", () => {
  it("serves one port from two workers, restarts a crashed one, and exits 0 on SIGTERM", async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-workers-"));
    const scriptPath = join(dir, "server.mts");
    await writeFile(scriptPath, script);
    server = spawnTestProcess(
      process.execPath,
      ["--import", "tsx", "--conditions=@switchboard/source", scriptPath],
      { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: "silent" } },
    );
    const started = await server.line((line) => line["pid"] === server?.child.pid);
    const wsUrl = `${String(started["url"]).replace("http", "ws")}/ws`;

    // Node's cluster hands connections to the workers in turn: both serve the one port.
    const workers = new Set<number>();
    for (let i = 0; i < 20 && workers.size < 2; i++) workers.add(await servedBy(wsUrl));
    expect(workers.size).toBe(2);
    expect(workers.has(server.child.pid!)).toBe(false);

    // A crashed worker is replaced by a new process on the same port.
    const [crashed] = workers;
    process.kill(crashed!, "SIGKILL");
    const primary = server.child.pid;
    const fresh = await server.line((line) => {
      const pid = Number(line["pid"]);
      return "url" in line && pid !== primary && !workers.has(pid);
    });
    const replacement = Number(fresh["pid"]);
    const seen = new Set<number>();
    for (let i = 0; i < 20 && !seen.has(replacement); i++) seen.add(await servedBy(wsUrl));
    expect(seen.has(replacement)).toBe(true);
    expect(seen.has(crashed!)).toBe(false);

    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 120_000);
});
