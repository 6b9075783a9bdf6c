import type { AddressInfo, Socket } from "node:net";
import {
  SwitchboardError,
  UserStartedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { ConversationHarness, type ConversationHarnessOptions } from "./conversation-harness.js";

let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((resolve) => wss?.close(resolve));
});

/** A bare ws server whose next connection gets a harness; resolves with it and its server-side socket. */
async function harnessServer(options: ConversationHarnessOptions = {}) {
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss?.once("listening", resolve));
  const connected = new Promise<{ harness: ConversationHarness; ws: WebSocket }>((resolve) =>
    wss?.once("connection", (ws) => resolve({ harness: new ConversationHarness(ws, options), ws })),
  );
  const client = await HarnessClient.connect(
    `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
  );
  return { client, ...(await connected) };
}

/** Sends every frame in one write, so they reach the server in one TCP chunk. */
function sendBurst(client: HarnessClient, frames: string[]): Promise<unknown> {
  const socket = (client.socket as unknown as { _socket: Socket })._socket;
  socket.cork();
  const sent = Promise.all(frames.map((frame) => client.send(frame)));
  socket.uncork();
  return sent;
}

/** Resolves once the server-side socket has received `count` more messages. */
function received(ws: WebSocket, count: number): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const onMessage = () => {
      if (++n < count) return;
      ws.off("message", onMessage);
      resolve();
    };
    ws.on("message", onMessage);
  });
}

const transcript = (i: number) => JSON.stringify({ type: "message", content: `w${i}` });
const speaking = JSON.stringify({ type: "user_state", value: "speaking" });

/**
 * An input port standing in for a bus under back-pressure: it records every event and holds each
 * one's promise until `release()`.
 */
function heldPort() {
  const events: object[] = [];
  const held: (() => void)[] = [];
  return {
    events,
    port: (event: object) => {
      events.push(event);
      return new Promise<void>((resolve) => held.push(resolve));
    },
    release: () => {
      for (const resolve of held.splice(0)) resolve();
    },
  };
}

/**
 * Connects the harness to a held port, sends twenty transcriptions in one write and resolves with
 * the port once the server has read them all.
 */
async function twentyHeldTranscripts(
  client: HarnessClient,
  harness: ConversationHarness,
  ws: WebSocket,
): Promise<ReturnType<typeof heldPort>> {
  const bus = heldPort();
  harness.connectInput(bus.port);
  const arrived = received(ws, 20);
  await sendBurst(
    client,
    Array.from({ length: 20 }, (_, i) => transcript(i)),
  );
  await arrived;
  return bus;
}

describe("ConversationHarness", () => {
  it("pauses reading while input waits for the bus, then resumes and delivers everything in order", async () => {
    const { client, harness, ws } = await harnessServer({ maxQueuedFrames: 8 });
    const bus = await twentyHeldTranscripts(client, harness, ws);
    expect(harness.stats.pauses).toBe(1);
    expect(ws.isPaused).toBe(true);

    bus.release();
    await new Promise((resolve) => setImmediate(resolve));
    const contents = bus.events.map((event) => (event as UserTranscriptionReceived).content);
    expect(contents).toEqual(Array.from({ length: 20 }, (_, i) => `w${i}`));
    expect(ws.isPaused).toBe(false);
    await client.close();
  });

  it("stays paused while either reason holds: the bus releasing input does not lift a rate pause", async () => {
    // One frame per second with a clock that never moves: the second frame puts the client a
    // second in debt, so reading pauses for the rate as well as for the held bus.
    const { client, harness, ws } = await harnessServer({
      maxQueuedFrames: 8,
      maxFramesPerSecond: 1,
      maxOverRateMs: 60_000,
      now: () => 0,
    });
    const bus = await twentyHeldTranscripts(client, harness, ws);
    expect(harness.stats).toMatchObject({ pauses: 1, ratePauses: 1 });
    expect(ws.isPaused).toBe(true);

    const socket = (ws as unknown as { _socket: Socket })._socket;
    const resumed = new Promise((resolve) => socket.once("resume", resolve));
    bus.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(bus.events).toHaveLength(20);
    expect(ws.isPaused).toBe(true);
    // The rate's pause ends by its own timer (a second after the first frame over the rate).
    await resumed;
    expect(ws.isPaused).toBe(false);
    await client.close();
  });

  it("hands a control frame to the bus the moment it is parsed, while earlier input still waits", async () => {
    const { client, harness, ws } = await harnessServer({ maxQueuedFrames: 64 });
    const bus = heldPort();
    harness.connectInput(bus.port);
    // A listener added after the harness's runs right after the harness handled the frame.
    let seenAtSpeaking: object[] | undefined;
    ws.on("message", (data) => {
      if ((data as Buffer).toString("utf8") === speaking) seenAtSpeaking = [...bus.events];
    });
    const arrived = received(ws, 11);
    await sendBurst(client, [...Array.from({ length: 10 }, (_, i) => transcript(i)), speaking]);
    await arrived;
    // None of the ten transcriptions was released by the bus, yet speaking already went in.
    expect(seenAtSpeaking).toHaveLength(11);
    expect(seenAtSpeaking?.at(-1)).toEqual(new UserStartedSpeaking());
    await client.close();
  });

  it("holds input read before connectInput and delivers it in order when connected", async () => {
    const { client, harness, ws } = await harnessServer();
    const arrived = received(ws, 3);
    await sendBurst(client, [transcript(1), transcript(2), speaking]);
    await arrived;
    const events: object[] = [];
    harness.connectInput((event) => void events.push(event));
    expect(events).toEqual([
      new UserTranscriptionReceived({ content: "w1" }),
      new UserTranscriptionReceived({ content: "w2" }),
      new UserStartedSpeaking(),
    ]);
    expect(() => harness.connectInput(() => undefined)).toThrow(SwitchboardError);
    await client.close();
  });

  it("closes on `await using` (Symbol.asyncDispose)", async () => {
    const { client, harness } = await harnessServer();
    {
      await using disposable = harness;
      expect(disposable.state).toBe("open");
    }
    expect(harness.state).toBe("closed");
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "session ended" });
  });

  it("closes with 1008 when input keeps arriving far past the queue bound", async () => {
    const { client, harness } = await harnessServer({
      maxQueuedFrames: 4,
      maxFramesPerSecond: 10_000,
    });
    harness.connectInput(heldPort().port);
    await sendBurst(
      client,
      Array.from({ length: 50 }, (_, i) => transcript(i)),
    );
    expect(await client.waitForClose()).toEqual({
      code: 1008,
      reason: "too many frames: over 16 waiting to be handled",
    });
    expect(await harness.ended).toMatchObject({ code: 1008, by: "server" });
  });

  it("sends nothing after close, and close is idempotent", async () => {
    const { client, harness } = await harnessServer();
    expect(harness.send({ type: "message", content: "one" })).toBe(true);
    const first = harness.close(1000, "bye");
    expect(harness.state).toBe("closing");
    expect(harness.send({ type: "message", content: "two" })).toBe(false);
    expect(harness.close(1001, "other")).toBe(first);
    expect(await first).toEqual({ code: 1000, reason: "bye" });
    expect(harness.state).toBe("closed");
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "bye" });
    expect(client.frames).toEqual([{ type: "message", content: "one" }]);
    expect(harness.stats).toMatchObject({ framesOut: 1, droppedOut: 1 });
  });

  it("sends the frames of one tick in one write, and a frame of a later tick in another", async () => {
    const { client, harness, ws } = await harnessServer();
    // Counts what the server's TCP socket hands to the kernel: one call per write or writev.
    const socket = (ws as unknown as { _socket: Socket & Record<string, unknown> })._socket;
    let writes = 0;
    for (const method of ["_write", "_writev"] as const) {
      const original = socket[method] as (...args: unknown[]) => void;
      socket[method] = (...args: unknown[]) => {
        writes += 1;
        original.apply(socket, args);
      };
    }
    // A generation's end: its last chunk, a metric and its completion, in the same tick.
    harness.send({ type: "message", content: "last" });
    harness.send({ type: "log_metric", name: "generation.chunks", value: 1 });
    harness.send({ type: "log_event", event: "generation_complete" });
    await client.waitFor((frame) => frame.type === "log_event");
    expect(writes).toBe(1);
    harness.send({ type: "message", content: "next turn" });
    await client.waitFor((frame) => frame.type === "message" && frame.content === "next turn");
    expect(writes).toBe(2);
    expect(client.frames.map((frame) => frame.type)).toEqual([
      "message",
      "log_metric",
      "log_event",
      "message",
    ]);
  });

  it("ends its input when the client closes", async () => {
    const { client, harness } = await harnessServer();
    const events: object[] = [];
    harness.connectInput((event) => void events.push(event));
    await client.send(transcript(1));
    await client.close();
    await harness.closed;
    expect(events).toEqual([new UserTranscriptionReceived({ content: "w1" })]);
    expect(await harness.ended).toMatchObject({ code: 1000, by: "client" });
  });

  it("drops a client that does not answer the close handshake after closeTimeoutMs", async () => {
    const { client, harness } = await harnessServer({ closeTimeoutMs: 50 });
    client.socket.pause();
    const closed = await harness.close(1000, "bye");
    // Terminated: the server never got the client's close frame.
    expect(closed.code).toBe(1006);
    client.socket.resume();
    await client.waitForClose();
  });
});
