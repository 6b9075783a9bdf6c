import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessClient } from "@switchboard/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, spawnTestProcess, type TestProcess } from "./internal/test-process.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const serverEntry = fileURLToPath(new URL("./index.ts", import.meta.url));
const coreEntry = fileURLToPath(new URL("../../core/src/index.ts", import.meta.url));
const haproxyPath = ["/usr/sbin/haproxy", "/usr/bin/haproxy"].find((path) => existsSync(path));

/**
 * One instance of a fleet: it names itself in the `POST /chats` response (`config.instance`), in
 * its greeting and in every answer, so a test sees which instance served each step of a call.
 */
const instanceScript = `
import { Bridge, ReasoningNode } from ${JSON.stringify(coreEntry)};
import { VoiceAgentApp } from ${JSON.stringify(serverEntry)};

const name = process.env.INSTANCE;
class EchoNode extends ReasoningNode {
  async *processContext(ctx) {
    yield name + " heard " + ctx.getLatestUserTranscriptMessage() + ".";
  }
}
const app = new VoiceAgentApp(
  async (system) => {
    const node = new EchoNode({ systemPrompt: "", nodeId: "agent" });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage("Hello from " + name + ".");
    await system.waitForShutdown();
  },
  { preCallHandler: () => ({ config: { instance: name } }), drainTimeoutMs: 20_000 },
);
const { url } = await app.run({ port: 0, host: "127.0.0.1" });
process.stdout.write(JSON.stringify({ url }) + "\\n");
`;

function haproxyConfig(port: number, backends: Record<string, string>): string {
  const servers = Object.entries(backends)
    .map(([name, url]) => {
      const { hostname, port: backendPort } = new URL(url);
      return `  server ${name} ${hostname}:${backendPort} check inter 300ms fall 2 rise 1`;
    })
    .join("\n");
  return `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  timeout tunnel 60s
  # A health check may take long on a loaded CI machine; a slow answer is not a dead server.
  timeout check 5s
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response 503
frontend calls
  bind 127.0.0.1:${port}
  default_backend agents
backend agents
  balance roundrobin
  option httpchk GET /ready
  http-check expect status 200
${servers}
`;
}

interface Call {
  client: HarnessClient;
  /** The instance that answered `POST /chats`. */
  acceptedBy: string;
  /** The instance that holds the WebSocket (it greets by name). */
  servedBy: string;
}

async function placeCall(base: string): Promise<Call> {
  const response = await fetch(`${base}/chats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agent: { system_prompt: "", introduction: "" } }),
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { websocket_url: string; config: { instance: string } };
  const client = await HarnessClient.connect(body.websocket_url);
  const greeting = (await client.reply()).text;
  const servedBy = /^Hello from (\w+)\.$/.exec(greeting)?.[1];
  if (servedBy === undefined) throw new Error(`unexpected greeting ${greeting}`);
  return { client, acceptedBy: body.config.instance, servedBy };
}

async function waitUntilBackendsUp(haproxy: TestProcess, statsPort: number): Promise<void> {
  // HAProxy needs `rise` good checks per server before it routes: poll its own health endpoint.
  for (let attempt = 0; attempt < 200 && haproxy.child.exitCode === null; attempt++) {
    const response = await fetch(`http://127.0.0.1:${statsPort}/up`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`HAProxy never saw its backends up: ${haproxy.stderr()}`);
}

describe.skipIf(haproxyPath === undefined && process.env["CI"] === undefined)(
  "two instances behind HAProxy (round robin)",
  () => {
    let dir: string;
    const instances = new Map<string, TestProcess>();
    let haproxy: TestProcess | undefined;
    let base: string;
    const secret = "load-balancer-test-secret";

    beforeAll(async () => {
      if (haproxyPath === undefined)
        throw new Error("HAProxy is not installed (apt-get install haproxy)");
      dir = await mkdtemp(join(tmpdir(), "switchboard-lb-"));
      const scriptPath = join(dir, "instance.mts");
      await writeFile(scriptPath, instanceScript);
      const urls: Record<string, string> = {};
      for (const name of ["a", "b"]) {
        const instance = spawnTestProcess(
          process.execPath,
          ["--import", "tsx", "--conditions=@switchboard/source", scriptPath],
          {
            cwd: repoRoot,
            env: {
              ...process.env,
              LOG_LEVEL: "silent",
              INSTANCE: name,
              SWITCHBOARD_SECRET: secret,
            },
          },
        );
        instances.set(name, instance);
        urls[name] = String((await instance.line((line) => "url" in line))["url"]);
      }
      const port = await freePort();
      const statsPort = await freePort();
      const config = `${haproxyConfig(port, urls)}frontend health
  bind 127.0.0.1:${statsPort}
  monitor-uri /up
  acl backends_down nbsrv(agents) lt 2
  monitor fail if backends_down
`;
      const configPath = join(dir, "haproxy.cfg");
      await writeFile(configPath, config);
      haproxy = spawnTestProcess(haproxyPath, ["-db", "-f", configPath]);
      base = `http://127.0.0.1:${port}`;
      await waitUntilBackendsUp(haproxy, statsPort);
    }, 60_000);

    afterAll(async () => {
      haproxy?.child.kill("SIGKILL");
      for (const instance of instances.values()) instance.child.kill("SIGKILL");
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    });

    it("completes 100 calls whose POST /chats and WebSocket land on different instances", async () => {
      let crossed = 0;
      for (let i = 0; i < 100; i++) {
        const call = await placeCall(base);
        await call.client.say(`call ${i}`);
        expect((await call.client.reply()).text).toBe(`${call.servedBy} heard call ${i}.`);
        await call.client.close();
        if (call.acceptedBy !== call.servedBy) crossed++;
      }
      // Round robin alternates per request, so most calls cross instances; every one completed.
      expect(crossed).toBeGreaterThanOrEqual(50);
    }, 120_000);

    it("loses no call in a rolling restart: the drained instance finishes its calls, new ones go to the other", async () => {
      const live: Call[] = [];
      for (let i = 0; i < 10; i++) {
        // Round robin pairs each POST with the next server; one extra request shifts the pairing,
        // so the live calls' WebSockets land on both instances.
        if (i % 2 === 1) await fetch(`${base}/health`);
        live.push(await placeCall(base));
      }
      const onA = live.filter((call) => call.servedBy === "a");
      expect(onA.length).toBeGreaterThan(0);

      const a = instances.get("a")!;
      a.child.kill("SIGTERM");
      // New calls during the drain: every one completes, on the instance that is not draining.
      for (let i = 0; i < 10; i++) {
        const call = await placeCall(base);
        expect(call.servedBy).toBe("b");
        await call.client.say(`new ${i}`);
        expect((await call.client.reply()).text).toBe(`b heard new ${i}.`);
        await call.client.close();
      }
      // Live calls on the draining instance still get answered there.
      for (const [i, call] of onA.entries()) {
        await call.client.say(`still there ${i}`);
        expect((await call.client.reply()).text).toBe(`a heard still there ${i}.`);
      }
      for (const call of live) await call.client.close();
      // Its last call ended: the drained instance exits 0 long before its drain deadline.
      expect(await a.exited).toBe(0);
    }, 120_000);
  },
);
