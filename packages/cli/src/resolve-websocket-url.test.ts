import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { resolveWebSocketUrl } from "./resolve-websocket-url.js";

const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real HTTP server answering POST /chats the way VoiceAgentApp does. */
async function chatsServer(
  answer: (body: Record<string, unknown>) => { status: number; body: unknown },
) {
  const bodies: Record<string, unknown>[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      bodies.push(body);
      const { status, body: out } = answer(body);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(out));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, bodies };
}

describe("resolveWebSocketUrl", () => {
  it("starts a call with Line's POST /chats body and resolves a relative websocket_url", async () => {
    const { port, bodies } = await chatsServer((body) => ({
      status: 200,
      body: { websocket_url: `/ws?call_id=${String(body["call_id"])}` },
    }));
    const url = await resolveWebSocketUrl(String(port));
    expect(url).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/ws\\?call_id=cli-`));
    expect(bodies[0]).toMatchObject({
      from: "switchboard-cli",
      agent: { system_prompt: "", introduction: "" },
    });
    expect(await resolveWebSocketUrl(`127.0.0.1:${port}`)).toMatch(/^ws:\/\/127\.0\.0\.1/);
    expect(await resolveWebSocketUrl(`http://127.0.0.1:${port}`)).toMatch(/^ws:\/\/127\.0\.0\.1/);
  });

  it("uses a ws:// URL as it is, without an HTTP request", async () => {
    expect(await resolveWebSocketUrl("ws://example.invalid/ws?x=1")).toBe(
      "ws://example.invalid/ws?x=1",
    );
  });

  it("reports a rejected call with the server's status and body", async () => {
    const { port } = await chatsServer(() => ({ status: 403, body: { error: "rejected" } }));
    await expect(resolveWebSocketUrl(String(port))).rejects.toThrow(/403 \{"error":"rejected"\}/);
  });
});
