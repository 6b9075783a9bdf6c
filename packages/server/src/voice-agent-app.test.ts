import { Bridge, SwitchboardError } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import type { CallRequest } from "./call-request.js";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import { VoiceAgentApp, type CallHandler, type VoiceAgentAppOptions } from "./voice-agent-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

/** An app that greets with what it was told about the call, and records each call request. */
async function recordingApp(options: VoiceAgentAppOptions = {}) {
  const calls: CallRequest[] = [];
  const handler: CallHandler = async (system, call) => {
    calls.push(call);
    const node = new ScriptedNode("agent", async function* (ctx) {
      yield `You said: ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.sendInitialMessage(`${call.agent.introduction} (call ${call.callId})`);
  };
  testApp = await startTestApp(handler, options);
  return { ...testApp, calls };
}

async function post(
  url: string,
  body: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const lineBody = {
  call_id: "call-123",
  from: "+15550001",
  to: "+15550002",
  agent_call_id: "agent-call-9",
  agent: { system_prompt: "You are terse.", introduction: "Hi from Line" },
  metadata: { campaign: "spring" },
};

describe("VoiceAgentApp", () => {
  describe("POST /chats", () => {
    it("answers with a websocket_url that carries the call into the handler", async () => {
      const { url, calls } = await recordingApp();
      const { status, json } = await post(`${url}/chats`, JSON.stringify(lineBody));
      expect(status).toBe(200);
      expect(json).toEqual({ websocket_url: `${url.replace("http", "ws")}/ws?call_id=call-123` });

      const client = await HarnessClient.connect(json["websocket_url"] as string);
      expect((await client.reply()).text).toBe("Hi from Line (call call-123)");
      expect(calls).toEqual([
        {
          callId: "call-123",
          from: "+15550001",
          to: "+15550002",
          agentCallId: "agent-call-9",
          agent: { systemPrompt: "You are terse.", introduction: "Hi from Line" },
          metadata: { campaign: "spring" },
        },
      ]);
      await client.close();
    });

    it("merges the pre-call handler's metadata and returns its config", async () => {
      const { url, calls } = await recordingApp({
        preCallHandler: (call) => ({
          metadata: { tier: "gold", caller: call.from },
          config: { voice: "alloy" },
        }),
      });
      const { status, json } = await post(`${url}/chats`, JSON.stringify(lineBody));
      expect(status).toBe(200);
      expect(json["config"]).toEqual({ voice: "alloy" });
      const client = await HarnessClient.connect(json["websocket_url"] as string);
      await client.reply();
      expect(calls[0]?.metadata).toEqual({ campaign: "spring", tier: "gold", caller: "+15550001" });
      await client.close();
    });

    it("rejects with 403 when the pre-call handler returns null, also for a WebSocket that skips POST", async () => {
      const { url, wsUrl, calls } = await recordingApp({ preCallHandler: () => null });
      expect(await post(`${url}/chats`, JSON.stringify(lineBody))).toEqual({
        status: 403,
        json: { error: "call rejected by the pre-call handler" },
      });
      await expect(HarnessClient.connect(`${wsUrl}?call_id=x`)).rejects.toThrow("HTTP 403");
      expect(calls).toEqual([]);
    });

    it.each([
      ["malformed JSON", "{not json", 400, /^request body is not valid JSON: /],
      [
        "a wrongly typed field",
        JSON.stringify({ call_id: 5 }),
        400,
        /^invalid call request: call_id: .*expected string, received number/,
      ],
      [
        "a wrongly typed nested field",
        JSON.stringify({ agent: { system_prompt: [] } }),
        400,
        /agent\.system_prompt/,
      ],
      [
        "metadata that is not an object",
        JSON.stringify({ metadata: "x" }),
        400,
        /^invalid call request: metadata: /,
      ],
    ])("answers %s with %i and a clear message", async (_name, body, status, message) => {
      const { url } = await recordingApp();
      const res = await post(`${url}/chats`, body);
      expect(res.status).toBe(status);
      expect(res.json["error"]).toMatch(message);
    });

    it("accepts an empty body with defaults", async () => {
      const { url, calls } = await recordingApp();
      const { status, json } = await post(`${url}/chats`, "");
      expect(status).toBe(200);
      const client = await HarnessClient.connect(json["websocket_url"] as string);
      await client.reply();
      expect(calls[0]).toMatchObject({
        from: "",
        to: "",
        agent: { systemPrompt: "", introduction: "" },
        metadata: {},
      });
      expect(calls[0]?.agentCallId).toBe(calls[0]?.callId);
      await client.close();
    });
  });

  it("GET /status reports ok and the number of sessions", async () => {
    const { url, wsUrl } = await recordingApp();
    const client = await HarnessClient.connect(wsUrl);
    await client.reply();
    const res = await fetch(`${url}/status`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", sessions: 1 });
    await client.close();
  });

  it("answers unknown routes with 404, wrong methods with 405, and unknown WebSocket paths with 404", async () => {
    const { url } = await recordingApp();
    const missing = await fetch(`${url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: "no route for GET /nope" });
    expect((await fetch(`${url}/chats`)).status).toBe(405);
    await expect(HarnessClient.connect(`${url.replace("http", "ws")}/elsewhere`)).rejects.toThrow(
      "HTTP 404",
    );
  });

  it("builds the call from the query string of a WebSocket that skips POST /chats", async () => {
    const { wsUrl, calls } = await recordingApp();
    const client = await HarnessClient.connect(
      `${wsUrl}?call_id=direct-1&from=%2B1555&introduction=Yo&lang=fr`,
    );
    expect((await client.reply()).text).toBe("Yo (call direct-1)");
    expect(calls[0]).toMatchObject({ callId: "direct-1", from: "+1555", metadata: { lang: "fr" } });
    await client.close();
  });

  it("close() ends every session with 1001 and cancels generations", async () => {
    let node!: ScriptedNode;
    let streaming!: () => void;
    const started = new Promise<void>((resolve) => (streaming = resolve));
    testApp = await startTestApp(async (system) => {
      node = new ScriptedNode("agent", async function* (ctx) {
        yield "working on it";
        streaming();
        await new Promise((_resolve, reject) =>
          ctx.signal.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      });
      const bridge = new Bridge(node);
      bridge.conversation(node);
      system.withSpeakingNode(node, bridge);
    });
    const client = await HarnessClient.connect(testApp.wsUrl);
    await client.say("go");
    await started;
    await testApp.app.close();
    expect(await client.waitForClose()).toEqual({ code: 1001, reason: "server shutting down" });
    expect(node.closedTurns).toBe(1);
    expect(node.cleaned).toBe(true);
    expect(testApp.app.sessionCount).toBe(0);
    await expect(fetch(`${testApp.url}/status`)).rejects.toThrow();
  });

  it("answers an oversized body with 413 and lets the next request through", async () => {
    const { url } = await recordingApp();
    const huge = JSON.stringify({ metadata: { blob: "x".repeat(1024 * 1024 + 1) } });
    const res = await fetch(`${url}/chats`, { method: "POST", body: huge });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "request body exceeds 1048576 bytes" });
    expect((await post(`${url}/chats`, "{}")).status).toBe(200);
  });

  it("moves idle → listening → closing → closed, and closes on `await using`", async () => {
    const app = new VoiceAgentApp(() => undefined);
    expect(app.state).toBe("idle");
    {
      await using disposable = app;
      await disposable.listen({ port: 0, host: "127.0.0.1" });
      expect(app.state).toBe("listening");
    }
    expect(app.state).toBe("closed");
    await app.close();
    const error = await app.listen({ port: 0, host: "127.0.0.1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: "SESSION_CONFIG" });
  });

  it("listen() defaults to PORT and reports a connectable url", async () => {
    const probe = new VoiceAgentApp(() => undefined);
    const { port } = await probe.listen({ port: 0, host: "127.0.0.1" });
    await probe.close();
    const saved = process.env["PORT"];
    process.env["PORT"] = String(port);
    try {
      const app = new VoiceAgentApp(() => undefined);
      const info = await app.listen();
      expect(info).toEqual({ host: "0.0.0.0", port, url: `http://localhost:${port}` });
      expect((await fetch(`${info.url}/status`)).status).toBe(200);
      await app.close();
    } finally {
      if (saved === undefined) delete process.env["PORT"];
      else process.env["PORT"] = saved;
    }
  });
});
