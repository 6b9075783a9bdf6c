import { AgentResponse, Bridge, UserTranscriptionReceived } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

describe("AgentResponse chunk types on the wire (issue 10)", () => {
  it("sends chunks of every type as message frames, with chunk_type when it is not text", async () => {
    let node!: ScriptedNode;
    testApp = await startTestApp(async (system) => {
      node = new ScriptedNode("agent", async function* (context) {
        yield new AgentResponse({ content: "Plain. " });
        yield new AgentResponse({ content: "Held back. ", chunkType: "buffered" });
        yield new AgentResponse({ content: "Checked. ", chunkType: "preprocessed" });
        yield new AgentResponse({
          content: `End of ${context.getLatestUserTranscriptMessage() ?? ""}.`,
          chunkType: "final",
        });
      });
      const bridge = new Bridge(node);
      bridge.conversation(node);
      system.withSpeakingNode(node, bridge);
    });
    const client = await HarnessClient.connect(testApp.wsUrl);
    await client.say("one");
    const reply = await client.reply();
    expect(reply.frames.filter((f) => f.type === "message")).toMatchObject([
      { content: "Plain. " },
      { content: "Held back. ", chunk_type: "buffered" },
      { content: "Checked. ", chunk_type: "preprocessed" },
      { content: "End of one.", chunk_type: "final" },
    ]);
    expect(reply.frames[0]).not.toHaveProperty("chunk_type");

    // The history keeps each turn whole, so the next two user turns stay two turns.
    await client.say("two");
    await client.reply();
    const turns = node.conversationEvents.map((e) =>
      e instanceof UserTranscriptionReceived
        ? `user: ${e.content}`
        : `agent: ${(e as AgentResponse).content}`,
    );
    expect(turns).toEqual([
      "user: one",
      "agent: Plain. Held back. Checked. End of one.",
      "user: two",
      "agent: Plain. Held back. Checked. End of two.",
    ]);
    await client.close();
  });
});
