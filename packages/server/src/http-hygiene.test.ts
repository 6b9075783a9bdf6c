import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentAppOptions } from "./voice-agent-app.js";

let testApp: TestApp | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await testApp?.app.close();
  testApp = undefined;
});

async function echoApp(options: VoiceAgentAppOptions = {}) {
  testApp = await startTestApp((system) => {
    const node = new ScriptedNode("agent", async function* (ctx) {
      yield `ok ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
  }, options);
  return testApp;
}

/** Writes `raw` on a new TCP connection; resolves with everything the server sent once it closes. */
function rawExchange(url: string, raw: string, keepOpen = false) {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  sockets.push(socket);
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
  socket.on("error", () => undefined);
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(answer)));
  socket.write(raw);
  if (!keepOpen) socket.end();
  return closed;
}

/** The canary's turn still answers. */
async function canaryAnswers(canary: HarnessClient, said: string) {
  await canary.say(said);
  expect((await canary.reply()).text).toBe(`ok ${said}`);
}

describe("HTTP hygiene", () => {
  it("answers a malformed request URL with 400, for HTTP and for an upgrade, not a 500", async () => {
    const { url } = await echoApp();
    const plain = await rawExchange(url, "GET //[ HTTP/1.1\r\nHost: x\r\n\r\n");
    expect(plain).toMatch(/^HTTP\/1\.1 400 /);
    expect(plain).toContain('{"error":"malformed request URL"}');
    const upgrade = await rawExchange(
      url,
      "GET //[ HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n" +
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(plain + upgrade).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it("drops a client that never finishes its headers (slowloris) after headersTimeoutMs, while a canary call goes on", async () => {
    const { url, wsUrl } = await echoApp({ headersTimeoutMs: 300 });
    const canary = await HarnessClient.connect(wsUrl);
    const started = performance.now();
    const answer = rawExchange(url, "POST /chats HTTP/1.1\r\nHost: x\r\nX-Slow: ", true);
    await canaryAnswers(canary, "during slowloris");
    expect(await answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(performance.now() - started).toBeLessThan(5000);
    await canaryAnswers(canary, "after");
    await canary.close();
  });

  it("drops a client that never finishes its body after requestTimeoutMs", async () => {
    const { url } = await echoApp({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const started = performance.now();
    const answer = await rawExchange(
      url,
      "POST /chats HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
      true,
    );
    expect(answer).toBe("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n");
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("answers an oversized body with a 413 the client can read (no reset), then closes", async () => {
    const { url } = await echoApp({ maxBodyBytes: 1024 });
    const big = JSON.stringify({ metadata: { pad: "x".repeat(500_000) } });
    // Chunked (no content-length): the limit trips while reading, not from the header.
    const answer = await new Promise<{ status: number; body: string; connection: unknown }>(
      (resolve, reject) => {
        const req = request(`${url}/chats`, { method: "POST" }, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => (body += chunk.toString()));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
          );
        });
        req.on("error", reject);
        req.end(big);
      },
    );
    expect(answer).toEqual({
      status: 413,
      body: JSON.stringify({ error: "request body exceeds 1024 bytes" }),
      connection: "close",
    });
    const declared = await fetch(`${url}/chats`, { method: "POST", body: big });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: "request body exceeds 1024 bytes" });
  });
});
