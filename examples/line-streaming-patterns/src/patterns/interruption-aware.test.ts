import { AgentResponse, UserStartedSpeaking, UserTranscriptionReceived } from "@switchboard/core";
import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import { interruptionAware, type InterruptibleNode } from "./interruption-aware.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

describe("Line pattern: interruption-aware streaming", () => {
  it("cleans up in finally, runs the handler after teardown, and marks the history", async () => {
    const nodes: InterruptibleNode[] = [];
    const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 20 });
    const app = exampleApp((model) => interruptionAware(model, nodes), { llm });
    convo = await ConversationRunner.start(app);
    const node = nodes[0]!;

    const since = convo.client.frames.length;
    await convo.client.say("Tell me a long story about telephones");
    await convo.client.waitFor((f) => f.type === "message", { since });
    await convo.client.interrupt();
    const next = await convo.turn("Hello!");
    expect(next.text).toMatch(/^Hello!/);

    // The handler ran once, after the interrupted generation's finally (greeting + 1 cleaned up).
    expect(node.interrupts).toHaveLength(1);
    expect(node.interrupts[0]?.event).toBeInstanceOf(UserStartedSpeaking);
    expect(node.interrupts[0]?.cleanupsDone).toBe(1);
    expect(node.cleanups).toBe(2);

    // The history keeps only what was delivered of the interrupted answer, marked interrupted.
    const history = node.conversationEvents;
    const asked = history.findIndex(
      (e) => e instanceof UserTranscriptionReceived && /telephones/.test(e.content),
    );
    const cut = history[asked + 1];
    expect(cut).toBeInstanceOf(AgentResponse);
    expect(cut).toMatchObject({ interrupted: true });
    expect('You said: "Tell me a long story about telephones".').toContain(
      (cut as AgentResponse).content,
    );
    expect(history.at(-1)).toBeInstanceOf(AgentResponse);
    expect(history.at(-1)).not.toMatchObject({ interrupted: true });
  });
});
