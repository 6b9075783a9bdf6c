import type { AddressInfo, Socket } from "node:net";
import { Bridge, UserTranscriptionReceived } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { ConversationHarness } from "./conversation-harness.js";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { VoiceAgentSystem } from "./voice-agent-system.js";

let wss: WebSocketServer | undefined;
let system: VoiceAgentSystem | undefined;
afterEach(async () => {
  await system?.close();
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((resolve) => wss?.close(resolve));
});

const BACKLOG = 200;

describe("user_state speaking behind a backlog of input", () => {
  it("interrupts the moment its frame is parsed, not after the backlog before it went through", async () => {
    let generationSignal: AbortSignal | undefined;
    let released!: () => void;
    const started = new Promise<void>((resolve) => (released = resolve));
    const node = new ScriptedNode("agent", async function* (ctx) {
      generationSignal = ctx.signal;
      released();
      // Talks until interrupted.
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      yield "never";
    });
    const bridge = new Bridge(node);
    bridge.conversation(node);
    const transcripts: string[] = [];
    bridge.on(UserTranscriptionReceived).map((m) => transcripts.push(m.event.content));

    wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => wss?.once("listening", resolve));
    const serverSocket = new Promise<WebSocket>((resolve) =>
      wss?.once("connection", (ws) => {
        system = new VoiceAgentSystem(new ConversationHarness(ws, { maxFramesPerSecond: 10_000 }));
        system.withSpeakingNode(node, bridge);
        void system.start();
        resolve(ws);
      }),
    );
    const client = await HarnessClient.connect(
      `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    );
    const ws = await serverSocket;
    await client.send({ type: "user_state", value: "idle" });
    await started;

    // What the bus had done when the harness had just handled the speaking frame (this listener
    // was added after the harness's, so it runs right after it, before any later microtask).
    let atSpeaking: { aborted: boolean; transcripts: number } | undefined;
    ws.on("message", (data) => {
      if ((data as Buffer).toString("utf8").includes('"speaking"')) {
        atSpeaking = {
          aborted: generationSignal?.aborted === true,
          transcripts: transcripts.length,
        };
      }
    });
    // The backlog and the interrupt in one TCP chunk.
    const tcp = (client.socket as unknown as { _socket: Socket })._socket;
    tcp.cork();
    const frames = [
      ...Array.from({ length: BACKLOG }, (_, i) => ({
        type: "message" as const,
        content: `w${i}`,
      })),
      { type: "user_state" as const, value: "speaking" as const },
    ];
    const sent = Promise.all(frames.map((frame) => client.send(frame)));
    tcp.uncork();
    await sent;
    await expect.poll(() => atSpeaking).toBeDefined();

    expect(atSpeaking?.aborted).toBe(true);
    await expect.poll(() => transcripts.length).toBe(BACKLOG);
    expect(transcripts).toEqual(Array.from({ length: BACKLOG }, (_, i) => `w${i}`));
    await client.close();
  });
});
