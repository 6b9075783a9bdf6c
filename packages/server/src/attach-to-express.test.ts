import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { VoiceAgentApp } from "./voice-agent-app.js";

let server: Server | undefined;
let app: VoiceAgentApp | undefined;
afterEach(async () => {
  await app?.close();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    if (server?.listening === true) server.close(() => resolve());
    else resolve();
  });
});

function agentApp(): VoiceAgentApp {
  return new VoiceAgentApp(async (system) => {
    const node = new ScriptedNode("agent", () => ["Hello from the agent."]);
    const bridge = new Bridge(node);
    bridge.conversation(node);
    system.withSpeakingNode(node, bridge);
    await system.start();
    await system.waitForShutdown();
  });
}

async function listen(target: Server): Promise<string> {
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
}

describe("VoiceAgentApp#attach", () => {
  it("serves calls on an Express server, whose own routes still answer", async () => {
    const web = express();
    web.get("/hello", (_req, res) => {
      res.json({ hello: "world" });
    });
    server = createServer(web);
    app = agentApp();
    await app.attach(server);
    const base = await listen(server);

    const hello = await fetch(`${base}/hello`);
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ hello: "world" });

    const chats = await fetch(`${base}/chats`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ call_id: "attached-1", agent: { system_prompt: "Be brief." } }),
    });
    expect(chats.status).toBe(200);
    const { websocket_url } = (await chats.json()) as { websocket_url: string };
    expect(websocket_url.startsWith(base.replace("http", "ws"))).toBe(true);

    const client = await HarnessClient.connect(websocket_url);
    await client.say("Hi");
    expect((await client.reply()).text).toBe("Hello from the agent.");
    await client.close();

    const health = await fetch(`${base}/health`);
    expect(await health.json()).toEqual({ status: "ok" });
    const missing = await fetch(`${base}/nowhere`);
    expect(missing.status).toBe(404); // Express's own 404, not the app's JSON
    expect(missing.headers.get("content-type")).not.toContain("application/json");
  });

  it("passes other upgrades to the server's own WebSocket listeners", async () => {
    server = createServer(express());
    const echo = new WebSocketServer({ noServer: true });
    server.on("upgrade", (req, socket, head) => {
      echo.handleUpgrade(req, socket, head, (ws) => ws.on("message", (data) => ws.send(data)));
    });
    app = agentApp();
    await app.attach(server);
    const base = await listen(server);

    const ws = new WebSocket(`${base.replace("http", "ws")}/echo`);
    const echoed = new Promise<string>((resolve) =>
      ws.once("message", (data: Buffer) => resolve(data.toString("utf8"))),
    );
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send("ping");
    expect(await echoed).toBe("ping");
    ws.close();
    echo.close();
  });

  it("gives the server back its own listeners on close, and leaves it serving", async () => {
    const web = express();
    web.get("/hello", (_req, res) => {
      res.send("hi");
    });
    server = createServer(web);
    const ownUpgrade = () => undefined;
    server.on("upgrade", ownUpgrade);
    app = agentApp();
    await app.attach(server);
    expect(server.listeners("request")).not.toContain(web);
    const base = await listen(server);

    await app.close();
    expect(server.listeners("request")).toEqual([web]);
    expect(server.listeners("upgrade")).toEqual([ownUpgrade]);
    expect(server.listening).toBe(true);
    expect(await (await fetch(`${base}/hello`)).text()).toBe("hi");
    expect((await fetch(`${base}/chats`, { method: "POST" })).status).toBe(404);
  });

  it("refuses to attach twice or after listen", async () => {
    server = createServer();
    app = agentApp();
    await app.attach(server);
    await expect(app.attach(createServer())).rejects.toThrow(/the app is listening/);
  });
});
