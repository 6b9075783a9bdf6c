import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { HarnessClient } from "./harness-client.js";

let wss: WebSocketServer | undefined;
afterEach(async () => {
  for (const ws of wss?.clients ?? []) ws.terminate();
  await new Promise((resolve) => wss?.close(resolve));
  wss = undefined;
});

/**
 * A minimal agent speaking the wire protocol: greets, answers each finished user turn with the
 * transcription split in words, stops streaming on `user_state speaking`, hangs up on "bye".
 */
async function fakeAgent(): Promise<{ url: string; received: unknown[] }> {
  const received: unknown[] = [];
  wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss?.once("listening", resolve));
  wss.on("connection", (ws: WebSocket) => {
    const send = (frame: object) => ws.send(JSON.stringify(frame));
    const complete = () => send({ type: "log_event", event: "generation_complete" });
    let said = "";
    let streaming: NodeJS.Timeout | undefined;
    send({ type: "message", content: "Hi!" });
    complete();
    ws.on("message", (data) => {
      const frame = JSON.parse((data as Buffer).toString()) as {
        type: string;
        content?: string;
        value?: string;
      };
      received.push(frame);
      if (frame.type === "message") said = frame.content ?? "";
      if (frame.type === "user_state" && frame.value === "speaking") {
        clearInterval(streaming);
      }
      if (frame.type !== "user_state" || frame.value !== "idle") return;
      if (said === "bye") {
        send({ type: "end_call" });
        ws.close(1000, "call ended");
        return;
      }
      if (said === "late") {
        send({ type: "message", content: "old ", generation_id: "g-old" });
        return;
      }
      if (said === "fresh") {
        // A frame of the interrupted generation arriving late, inside the new turn's window.
        send({ type: "message", content: "stale ", generation_id: "g-old" });
        send({ type: "message", content: "fresh ", generation_id: "g-new" });
        send({ type: "log_event", event: "generation_complete", generation_id: "g-new" });
        return;
      }
      if (said === "forever") {
        let i = 0;
        streaming = setInterval(() => send({ type: "message", content: `old${i++} ` }), 1);
        return;
      }
      for (const word of said.split(" ")) send({ type: "message", content: `${word} ` });
      send({ type: "tool_call", name: "lookup", arguments: { q: said } });
      complete();
    });
    ws.on("close", () => clearInterval(streaming));
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, received };
}

describe("HarnessClient", () => {
  it("leaves frames of an interrupted generation that arrive late out of the next reply", async () => {
    const { url } = await fakeAgent();
    const client = await HarnessClient.connect(url);
    await client.reply();
    await client.say("late");
    await client.waitFor((f) => f.type === "message" && f.content === "old ");
    await client.interrupt();
    await client.say("fresh");
    const reply = await client.reply();
    expect(reply.text).toBe("fresh ");
    expect(client.frames.some((f) => f.type === "message" && f.content === "stale ")).toBe(true);
    await client.close();
  });

  it("says a turn as speaking → message → idle and collects the reply until generation_complete", async () => {
    const { url, received } = await fakeAgent();
    const client = await HarnessClient.connect(url);
    expect((await client.reply()).text).toBe("Hi!");

    await client.say("hello big world");
    const reply = await client.reply();
    expect(reply.chunks).toEqual(["hello ", "big ", "world "]);
    expect(reply.text).toBe("hello big world ");
    expect(reply.endedBy).toBe("generation_complete");
    expect(reply.frames.map((f) => f.type)).toEqual([
      "message",
      "message",
      "message",
      "tool_call",
      "log_event",
    ]);
    expect(reply.ttfcMs).toBeGreaterThanOrEqual(0);
    expect(reply.totalMs).toBeGreaterThanOrEqual(reply.ttfcMs ?? 0);
    expect(received).toEqual([
      { type: "user_state", value: "speaking" },
      { type: "message", content: "hello big world" },
      { type: "user_state", value: "idle" },
    ]);
    expect(client.timings.map((t) => t.said)).toEqual([undefined, "hello big world"]);
    await client.close();
  });

  it("after interrupt(), the next reply starts at the next say()", async () => {
    const { url } = await fakeAgent();
    const client = await HarnessClient.connect(url);
    await client.reply();
    await client.say("forever");
    await client.waitFor((f) => f.type === "message" && f.content === "old3 ");
    await client.interrupt();
    await client.say("fresh turn");
    const reply = await client.reply();
    expect(reply.text.endsWith("fresh turn ")).toBe(true);
    expect(client.frames.length).toBeGreaterThan(reply.frames.length);
    await client.close();
  });

  it("waitFor() finds frames already received or still to come, and reports the close", async () => {
    const { url } = await fakeAgent();
    const client = await HarnessClient.connect(url);
    expect(await client.waitFor((f) => f.type === "message")).toEqual({
      type: "message",
      content: "Hi!",
    });
    // waitFor() does not consume: the greeting is still the next reply.
    expect((await client.reply()).text).toBe("Hi!");
    await client.say("bye");
    expect((await client.reply()).endedBy).toBe("end_call");
    expect(await client.waitForClose()).toEqual({ code: 1000, reason: "call ended" });
    await expect(client.waitFor((f) => f.type === "dtmf")).rejects.toThrow(
      /connection closed \(1000\)/,
    );
  });

  it("rejects waitFor() after timeoutMs with the last frames in the message", async () => {
    const { url } = await fakeAgent();
    const client = await HarnessClient.connect(url, { timeoutMs: 20 });
    await expect(client.waitFor((f) => f.type === "transfer")).rejects.toThrow(
      /no matching frame within 20 ms.*"Hi!"/,
    );
    // The 20 ms is for waitFor(); the close handshake on a loaded machine may take longer.
    expect(await client.close(1000, "client done", { timeoutMs: 10_000 })).toEqual({
      code: 1000,
      reason: "client done",
    });
  });

  it("close() waits for the close handshake for its own timeoutMs, not the client's", async () => {
    const { url } = await fakeAgent();
    // The server stops reading: the client's close frame is never answered.
    wss!.once("connection", (ws: WebSocket) => ws.pause());
    const client = await HarnessClient.connect(url);
    await expect(client.close(1000, "client done", { timeoutMs: 30 })).rejects.toThrow(
      /timed out after 30 ms: no close/,
    );
  });

  it("rejects connect() when nothing listens", async () => {
    const { url } = await fakeAgent();
    await new Promise((resolve) => wss?.close(resolve));
    await expect(HarnessClient.connect(url)).rejects.toThrow();
  });
});
