import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createTtfcApp, MODEL_TTFC } from "./time-to-first-chunk.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

async function start() {
  const llm = new ScriptedChat({ firstTokenDelayMs: 40, interTokenDelayMs: 0 });
  convo = await ConversationRunner.start(createTtfcApp(llm), { greeting: false });
  return convo;
}

describe("Atoms pattern: measuring time to first chunk", () => {
  it("reports the model's time to first chunk as a metric of the generation, before its first word", async () => {
    const { client } = await start();
    const reply = await convo!.turn("Hello!");
    const metric = reply.frames.find((f) => f.type === "log_metric" && f.name === MODEL_TTFC);
    const firstWord = reply.frames.find((f) => f.type === "message");
    expect(metric).toMatchObject({ generation_id: firstWord?.generation_id });
    expect(reply.frames.indexOf(metric!)).toBeLessThan(reply.frames.indexOf(firstWord!));
    expect(metric?.type === "log_metric" && metric.value).toBeGreaterThanOrEqual(40);
    expect(reply.ttfcMs).toBeGreaterThanOrEqual(40); // what the caller waited, measured client-side
    expect(client.timings[0]?.ttfcMs).toBe(reply.ttfcMs);
  });

  it("gets the framework's ttfc_ms in the same turn, in its generation_complete", async () => {
    await start();
    const reply = await convo!.turn("Hello!");
    const id = reply.frames.find((f) => f.type === "message")?.generation_id;
    const done = reply.frames.at(-1);
    expect(done).toMatchObject({ event: "generation_complete", generation_id: id });
    // From the end of the user's turn: at least the model's own 40 ms.
    expect(done?.type === "log_event" && done.metadata?.["ttfc_ms"]).toBeGreaterThanOrEqual(40);
  });
});
