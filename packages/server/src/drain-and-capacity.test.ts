import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { CallHandler, VoiceAgentAppOptions } from "./voice-agent-app.js";

let testApp: TestApp | undefined;
const clients: HarnessClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  await testApp?.app.close();
  testApp = undefined;
});

const echo: CallHandler = async (system) => {
  const node = new ScriptedNode("agent", async function* (ctx) {
    yield `You said: ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
  });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.sendInitialMessage("Hello!");
};

async function app(options: VoiceAgentAppOptions = {}): Promise<TestApp> {
  testApp = await startTestApp(echo, options);
  return testApp;
}

async function call(wsUrl: string): Promise<HarnessClient> {
  const client = await HarnessClient.connect(wsUrl);
  clients.push(client);
  expect((await client.reply()).text).toBe("Hello!");
  return client;
}

async function get(url: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url);
  return { status: res.status, json: await res.json() };
}

async function postChats(url: string): Promise<Response> {
  return fetch(`${url}/chats`, { method: "POST", body: "{}" });
}

/** The HTTP status line and headers of a refused WebSocket upgrade. */
async function upgradeRefusal(wsUrl: string): Promise<{ status: number; retryAfter?: string }> {
  const { WebSocket } = await import("ws");
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.once("unexpected-response", (_req, res) => {
      resolve({
        status: res.statusCode ?? 0,
        ...(res.headers["retry-after"] === undefined
          ? {}
          : { retryAfter: String(res.headers["retry-after"]) }),
      });
      res.resume();
      // Aborting a refused handshake reports an error of its own; it is the expected end.
      ws.once("error", () => undefined);
      ws.terminate();
    });
    ws.once("open", () => reject(new Error("the upgrade was accepted")));
  });
}

/** Resolves once `predicate` holds for `GET /ready`; readiness changes with calls ending. */
async function readyBecomes(url: string, expected: boolean): Promise<void> {
  for (;;) {
    const { json } = await get(`${url}/ready`);
    if ((json as { ready: boolean }).ready === expected) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("VoiceAgentApp health", () => {
  it("answers /health, /ready and /status", async () => {
    const { url, wsUrl } = await app({ maxCalls: 5 });
    expect(await get(`${url}/health`)).toEqual({ status: 200, json: { status: "ok" } });
    expect(await get(`${url}/ready`)).toEqual({ status: 200, json: { ready: true } });
    await call(wsUrl);
    expect((await get(`${url}/status`)).json).toMatchObject({
      status: "ok",
      ready: true,
      sessions: 1,
      calls: 1,
      capacity: 5,
      draining: false,
    });
  });
});

describe("VoiceAgentApp maxCalls", () => {
  it("refuses a call above maxCalls with 503 and Retry-After, and takes calls again when one ends", async () => {
    const { url, wsUrl } = await app({ maxCalls: 2 });
    const first = await call(wsUrl);
    await call(wsUrl);
    expect(await get(`${url}/ready`)).toEqual({
      status: 503,
      json: { ready: false, reason: "at_capacity" },
    });
    const refused = await postChats(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await upgradeRefusal(wsUrl)).toEqual({ status: 503, retryAfter: "1" });

    await first.close();
    await readyBecomes(url, true);
    expect((await postChats(url)).status).toBe(200);
    await call(wsUrl);
  });

  it("never overshoots maxCalls when upgrades race", async () => {
    const { url, wsUrl } = await app({ maxCalls: 3 });
    const { WebSocket } = await import("ws");
    const outcomes = await Promise.all(
      Array.from(
        { length: 10 },
        () =>
          new Promise<"open" | "refused">((resolve) => {
            const ws = new WebSocket(wsUrl);
            ws.once("open", () => resolve("open"));
            ws.once("unexpected-response", (_req, res) => {
              res.resume();
              resolve("refused");
            });
          }),
      ),
    );
    expect(outcomes.filter((o) => o === "open")).toHaveLength(3);
    expect((await get(`${url}/status`)).json).toMatchObject({ calls: 3 });
  });
});

describe("VoiceAgentApp#drain", () => {
  it("stops taking calls, lets live calls finish, then closes", async () => {
    const { app: server, url, wsUrl } = await app();
    const live = await call(wsUrl);
    const drained = server.drain();
    expect(await get(`${url}/ready`)).toEqual({
      status: 503,
      json: { ready: false, reason: "draining" },
    });
    const refused = await postChats(url);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await upgradeRefusal(wsUrl)).toEqual({ status: 503, retryAfter: "5" });

    // The live call goes on while the instance drains.
    await live.say("still there?");
    expect((await live.reply()).text).toBe("You said: still there?");
    expect(server.state).toBe("listening");

    await live.close();
    await drained;
    expect(server.state).toBe("closed");
  });

  it("closes the calls still live at drainTimeoutMs with 1001", async () => {
    const { app: server, wsUrl } = await app({ drainTimeoutMs: 50 });
    const live = await call(wsUrl);
    await server.drain();
    expect(await live.waitForClose()).toEqual({ code: 1001, reason: "server shutting down" });
    expect(server.state).toBe("closed");
  });

  it("with no live call, closes at once", async () => {
    const { app: server } = await app({ drainTimeoutMs: 60_000 });
    await server.drain();
    expect(server.state).toBe("closed");
  });
});
