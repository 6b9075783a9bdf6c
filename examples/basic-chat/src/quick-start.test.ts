import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Runs a TypeScript entry point the way `pnpm demo` / `pnpm chat` do. */
function run(
  entry: string,
  args: string[],
  env: Record<string, string>,
): ChildProcessWithoutNullStreams {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=@switchboard/source", entry, ...args],
    {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: "warn", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", ...env },
    },
  );
  children.push(child);
  return child;
}

function output(child: ChildProcessWithoutNullStreams): { text: () => string } {
  let text = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
  return { text: () => text };
}

describe("the README quick start", () => {
  it("runs the demo agent, talks to it with `switchboard chat`, and stops cleanly on SIGTERM", async () => {
    const demo = run("examples/basic-chat/src/main.ts", [], { PORT: "0" });
    const demoOut = output(demo);
    const port = await new Promise<string>((resolve, reject) => {
      demo.stdout.on("data", () => {
        const match = /listening on http:\/\/[^:]+:(\d+)/.exec(demoOut.text());
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      demo.once("exit", (code) => reject(new Error(`demo exited (${code}): ${demoOut.text()}`)));
    });
    expect(demoOut.text()).toContain("npx -y pnpm@10 chat");

    const chat = run("packages/cli/src/bin.ts", ["chat", port], {});
    const chatOut = output(chat);
    chat.stdin.end("Hello!\nWhat's the weather in Paris?\nThat's all, goodbye!\n");
    const [chatCode] = (await once(chat, "exit")) as [number | null];
    const transcript = chatOut.text();
    expect(transcript).toContain("agent > Hello! I'm the Switchboard demo agent.");
    expect(transcript).toMatch(/\[tool\] get_weather \{"city":"Paris"\}/);
    expect(transcript).toMatch(/degrees Celsius.* in Paris/);
    expect(transcript).toContain("[call ended by the agent]");
    expect(transcript).toMatch(/first chunk \d+ ms/);
    expect(chatCode).toBe(0);

    demo.kill("SIGTERM");
    const [demoCode] = (await once(demo, "exit")) as [number | null];
    expect(demoCode).toBe(0);
  }, 60_000);
});
