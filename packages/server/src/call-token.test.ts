import { Writable } from "node:stream";
import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { CallRequest } from "./call-request.js";
import { signCallToken, verifyCallToken } from "./call-token.js";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentAppOptions } from "./voice-agent-app.js";

const SECRET = "test-secret-0123456789abcdef";
const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map(({ app }) => app.close()));
});

/** An app that records each call it runs and greets with its id. */
async function tokenApp(options: VoiceAgentAppOptions = {}) {
  const calls: CallRequest[] = [];
  const testApp = await startTestApp(async (system, call) => {
    calls.push(call);
    const node = new ScriptedNode("agent", async function* () {
      yield "ok";
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage(`hello ${call.callId}`);
  }, options);
  apps.push(testApp);
  return { ...testApp, calls };
}

async function postChats(url: string, body: unknown) {
  const res = await fetch(`${url}/chats`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const call: CallRequest = {
  callId: "c1",
  from: "+1",
  to: "+2",
  agentCallId: "a1",
  agent: { systemPrompt: "Be brief.", introduction: "Hi" },
  metadata: { tier: "gold" },
};

describe("call tokens", () => {
  describe("signCallToken / verifyCallToken", () => {
    it("round-trips the call and refuses a changed payload, another secret, or an expired token", () => {
      const now = 1_000_000;
      const token = signCallToken(call, { secret: SECRET, ttlMs: 60_000, now: () => now });
      expect(token).toMatch(/^v1\.[\w-]+\.[\w-]{43}$/);
      expect(verifyCallToken(token, { secret: SECRET, now: () => now + 59_999 })).toEqual({
        ok: true,
        call,
        expiresAt: now + 60_000,
      });
      const [v, payload, sig] = token.split(".") as [string, string, string];
      const other = signCallToken({ ...call, callId: "c2" }, { secret: SECRET, ttlMs: 60_000 });
      const swapped = `${v}.${other.split(".")[1] ?? ""}.${sig}`;
      expect(verifyCallToken(swapped, { secret: SECRET })).toEqual({
        ok: false,
        reason: "bad_signature",
      });
      expect(verifyCallToken(token, { secret: `${SECRET}x`, now: () => now })).toEqual({
        ok: false,
        reason: "bad_signature",
      });
      expect(verifyCallToken(token, { secret: SECRET, now: () => now + 60_000 })).toEqual({
        ok: false,
        reason: "expired",
      });
      expect(verifyCallToken(`${v}.${payload}`, { secret: SECRET })).toEqual({
        ok: false,
        reason: "malformed",
      });
    });
  });

  describe("with SWITCHBOARD_SECRET set", () => {
    it("POST /chats returns a token URL that any instance sharing the secret accepts", async () => {
      const a = await tokenApp({
        secret: SECRET,
        preCallHandler: () => ({ metadata: { vetted: true } }),
      });
      const b = await tokenApp({ secret: SECRET });
      const { status, json } = await postChats(a.url, { call_id: "c7", metadata: { x: 1 } });
      expect(status).toBe(200);
      const wsUrl = json["websocket_url"] as string;
      expect(wsUrl).toMatch(/\/ws\?call_id=c7&token=v1\.[\w-]+\.[\w-]+$/);
      // Connected to the other instance: nothing was stored on the first.
      const onB = wsUrl.replace(new URL(a.url).host, new URL(b.url).host);
      const client = await HarnessClient.connect(onB);
      expect((await client.reply()).text).toBe("hello c7");
      expect(b.calls[0]?.metadata).toEqual({ x: 1, vetted: true });
      await client.close();
    });

    it("refuses a WebSocket without a valid token with 401 at the upgrade", async () => {
      const { url, wsUrl, calls } = await tokenApp({ secret: SECRET });
      await expect(HarnessClient.connect(`${wsUrl}?call_id=c1`)).rejects.toThrow("HTTP 401");
      const forged = signCallToken(call, { secret: "another-secret-0123456789", ttlMs: 60_000 });
      await expect(HarnessClient.connect(`${wsUrl}?token=${forged}`)).rejects.toThrow("HTTP 401");
      const expired = signCallToken(call, {
        secret: SECRET,
        ttlMs: 60_000,
        now: () => Date.now() - 120_000,
      });
      await expect(HarnessClient.connect(`${wsUrl}?token=${expired}`)).rejects.toThrow("HTTP 401");
      await expect(HarnessClient.connect(`${wsUrl}?token=v1.garbage`)).rejects.toThrow("HTTP 401");
      expect(calls).toEqual([]);
      // The server is fine afterwards.
      const { json } = await postChats(url, {});
      const client = await HarnessClient.connect(json["websocket_url"] as string);
      expect((await client.reply()).text).toMatch(/^hello [0-9a-f-]{36}$/);
      await client.close();
    });

    it("refuses a secret shorter than 16 bytes", async () => {
      await expect(tokenApp({ secret: "short" })).rejects.toThrow("at least 16 bytes");
    });
  });

  describe("without a secret (development)", () => {
    it("a second POST with the same call_id does not take over the first call", async () => {
      const { url, calls } = await tokenApp({ secret: "" });
      const first = await postChats(url, { call_id: "same", metadata: { who: "alice" } });
      const second = await postChats(url, { call_id: "same", metadata: { who: "mallory" } });
      const alice = await HarnessClient.connect(first.json["websocket_url"] as string);
      await alice.reply();
      const mallory = await HarnessClient.connect(second.json["websocket_url"] as string);
      await mallory.reply();
      expect(calls.map((c) => c.metadata["who"])).toEqual(["alice", "mallory"]);
      await alice.close();
      await mallory.close();
    });

    it("still accepts /ws with the call in its query, and warns at startup when NODE_ENV=production", async () => {
      const lines: { msg: string; level: number }[] = [];
      const logger = pino(
        { level: "info" },
        new Writable({
          write(chunk: Buffer, _encoding, next) {
            lines.push(JSON.parse(chunk.toString()) as { msg: string; level: number });
            next();
          },
        }),
      );
      const saved = process.env["NODE_ENV"];
      process.env["NODE_ENV"] = "production";
      try {
        const { wsUrl } = await tokenApp({ secret: "", logger });
        const client = await HarnessClient.connect(`${wsUrl}?call_id=direct`);
        expect((await client.reply()).text).toBe("hello direct");
        await client.close();
      } finally {
        process.env["NODE_ENV"] = saved;
      }
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
        expect.stringContaining("SWITCHBOARD_SECRET is not set"),
      ]);
    });
  });

  describe("POST /chats limits", () => {
    it("answers metadata nested too deep or too large with 400, for POST and for /ws", async () => {
      const { url, wsUrl } = await tokenApp({ maxMetadataDepth: 3, maxMetadataBytes: 100 });
      expect(await postChats(url, { metadata: { a: { b: { c: 1 } } } })).toEqual({
        status: 200,
        json: expect.objectContaining({ websocket_url: expect.any(String) }) as unknown,
      });
      expect(await postChats(url, { metadata: { a: { b: { c: { d: 1 } } } } })).toEqual({
        status: 400,
        json: { error: "invalid call request: metadata is nested deeper than 3 levels" },
      });
      const large = await postChats(url, { metadata: { pad: "x".repeat(200) } });
      expect(large.status).toBe(400);
      expect(large.json["error"]).toMatch(/over the 100-byte limit$/);
      await expect(HarnessClient.connect(`${wsUrl}?pad=${"x".repeat(200)}`)).rejects.toThrow(
        "HTTP 400",
      );
    });

    it("generates a call id when none is given", async () => {
      const { url, calls } = await tokenApp();
      const { json } = await postChats(url, {});
      const client = await HarnessClient.connect(json["websocket_url"] as string);
      await client.reply();
      expect(calls[0]?.callId).toMatch(/^[0-9a-f-]{36}$/);
      await client.close();
    });
  });
});
