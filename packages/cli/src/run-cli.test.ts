import { createServer } from "node:net";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

function io(env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const stdin = new PassThrough();
  stdin.end();
  return { io: { stdin, stdout, stderr, env }, out: () => out, err: () => err };
}

/** A port nothing listens on: bind one, then free it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("runCli", () => {
  it("--help prints usage naming npx @switchboard/cli, exit 0", async () => {
    const t = io();
    expect(await runCli(["--help"], t.io)).toBe(0);
    expect(t.out()).toContain("npx @switchboard/cli chat [url]");
    expect(t.err()).toBe("");
  });

  it("--version prints the package's version, exit 0", async () => {
    const t = io();
    expect(await runCli(["--version"], t.io)).toBe(0);
    expect(t.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [["chat", "--bogus"], /Unknown option '--bogus'/],
    [["deploy"], /unknown command "deploy"/],
    [[], /missing command/],
    [["chat", "8000", "9000"], /chat takes one url/],
  ])("rejects %j with a usage error on stderr, exit 2", async (argv, message) => {
    const t = io();
    expect(await runCli(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(message);
    expect(t.err()).toContain("Usage:");
    expect(t.out()).toBe("");
  });

  it("names ECONNREFUSED and the URL, and says to start the agent, exit 1", async () => {
    const port = await freePort();
    const t = io();
    expect(await runCli(["chat", `http://127.0.0.1:${port}`], t.io)).toBe(1);
    expect(t.err()).toContain(`http://127.0.0.1:${port}`);
    expect(t.err()).toContain("ECONNREFUSED");
    expect(t.err()).toMatch(/Start your agent/);
  });

  it("defaults to http://127.0.0.1:$PORT", async () => {
    const port = await freePort();
    const t = io({ PORT: String(port) });
    expect(await runCli(["chat"], t.io)).toBe(1);
    expect(t.err()).toContain(`http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});
