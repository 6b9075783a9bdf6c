import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { parallelStreaming, type ParallelStreamingNode } from "./parallel-streaming.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

async function start(interTokenDelayMs: number) {
  const nodes: ParallelStreamingNode[] = [];
  const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs });
  convo = await ConversationRunner.start(
    exampleApp((model) => parallelStreaming(model, nodes), { llm }),
  );
  return { convo, node: nodes[0]! };
}

describe("Line pattern: parallel streaming", () => {
  it("speaks the sentences of both streams, each whole, and closes both at the end", async () => {
    const { convo, node } = await start(0);
    const reply = await convo.turn("Tell me about parallel streams");
    // Both requests echo the user (offline model): every sentence of the echo arrives twice.
    const said = reply.chunks.filter((c) => c.startsWith('You said: "Tell me about parallel'));
    expect(said).toHaveLength(2);
    for (const chunk of reply.chunks) expect(chunk).toMatch(/[.!?]\s*$/);
    expect(node.closedStreams).toBe(2);
  });

  it("closes every stream on an interrupt, and the call goes on", async () => {
    const { convo, node } = await start(15);
    const since = convo.client.frames.length;
    await convo.client.say("Tell me about parallel streams");
    await convo.client.waitFor((f) => f.type === "message", { since });
    await convo.client.interrupt();
    const next = await convo.turn("Hello!");
    expect(next.text).toMatch(/Hello!/);
    expect(next.endedBy).toBe("generation_complete");
    // 2 of the interrupted turn + 2 of the next one, and nothing reported as an error.
    expect(node.closedStreams).toBe(4);
    expect(convo.client.frames.filter((f) => f.type === "error")).toEqual([]);
  });
});
