import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";

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
});
const { url } = await app.run({ port: 0, host: "127.0.0.1" });
process.stdout.write(JSON.stringify({ url }) + "\\n");
`;

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("VoiceAgentApp.run()", () => {
  it("on SIGTERM closes open sessions (1001), cancels the generation and exits 0", async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-sigterm-"));
    const scriptPath = join(dir, "server.mts");
    await writeFile(scriptPath, script);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--conditions=@switchboard/source", scriptPath],
      {
        cwd: repoRoot,
        env: { ...process.env, LOG_LEVEL: "silent" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    const lines = createInterface({ input: child.stdout });
    const messages: Record<string, string>[] = [];
    const nextLine = () =>
      new Promise<Record<string, string>>((resolve, reject) => {
        lines.once("line", (line) => {
          const message = JSON.parse(line) as Record<string, string>;
          messages.push(message);
          resolve(message);
        });
        void exited.then((code) => reject(new Error(`server exited (${code}) early: ${stderr}`)));
      });

    const { url } = await nextLine();
    const client = await HarnessClient.connect(`${url!.replace("http", "ws")}/ws`);
    expect((await client.reply()).text).toBe("Hello!");
    await client.say("tell me everything");
    await client.waitFor((f) => f.type === "message" && f.content === "word3 ");
    const generationClosed = nextLine();

    child.kill("SIGTERM");
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: "server shutting down" });
    expect(await generationClosed).toEqual({ generation: "closed" });
    expect(await exited).toBe(0);
  }, 30_000);
});
