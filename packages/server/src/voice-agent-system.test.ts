import type { AddressInfo } from "node:net";
import { Bridge, SwitchboardError } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { ConversationHarness } from "./conversation-harness.js";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { VoiceAgentSystem } from "./voice-agent-system.js";

let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((resolve) => wss?.close(resolve));
});

/** A system over a real harness on a loopback WebSocket, and the client connected to it. */
async function connectedSystem() {
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss?.once("listening", resolve));
  const created = new Promise<VoiceAgentSystem>((resolve) =>
    wss?.once("connection", (ws) => resolve(new VoiceAgentSystem(new ConversationHarness(ws)))),
  );
  const client = await HarnessClient.connect(
    `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
  );
  const system = await created;
  const node = new ScriptedNode("agent", async function* () {
    yield "hi";
  });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  return { client, system, node, bridge };
}

describe("VoiceAgentSystem", () => {
  it("moves configuring → open → closing → closed; close() is idempotent and cleanup() is the same", async () => {
    const { client, system, node, bridge } = await connectedSystem();
    expect(system.state).toBe("configuring");
    system.withSpeakingNode(node, bridge);
    await system.start();
    expect(system.state).toBe("open");
    const first = system.close(1000, "bye");
    expect(system.state).toBe("closing");
    expect(system.close()).toBe(first);
    expect(system.cleanup()).toBe(first);
    await first;
    expect(system.state).toBe("closed");
    expect(node.cleaned).toBe(true);
    expect(system.harness).toBe(system.transport);
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "bye" });
  });

  it("closes on `await using` (Symbol.asyncDispose)", async () => {
    const { client, system, node, bridge } = await connectedSystem();
    {
      await using disposable = system.withSpeakingNode(node, bridge);
      await disposable.start();
    }
    expect(system.state).toBe("closed");
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "call ended" });
  });

  it("start() without a speaking node throws SESSION_CONFIG", async () => {
    const { system } = await connectedSystem();
    await expect(system.start()).rejects.toThrow(SwitchboardError);
    await expect(system.start()).rejects.toMatchObject({ code: "SESSION_CONFIG" });
    await system.close();
  });

  it("publishes the user's input only once started", async () => {
    const { client, system, node, bridge } = await connectedSystem();
    const heard: string[] = [];
    bridge
      .on("user.transcription")
      .map((m) => heard.push((m.event as { content: string }).content));
    system.withSpeakingNode(node, bridge);
    await client.send({ type: "message", content: "early" });
    await client.send({ type: "user_state", value: "idle" });
    await expect.poll(() => system.harness.stats.eventsIn).toBe(2);
    expect(heard).toEqual([]);
    await system.start();
    const reply = await client.reply();
    expect(heard).toEqual(["early"]);
    expect(reply.text).toBe("hi");
    await system.close();
  });
});
