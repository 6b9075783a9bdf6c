import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentResponse, UserBackchannel, UserTranscriptionReceived } from "../events.js";
import { bargeInHarness, settle, StreamingNode } from "../internal/test-barge-in-harness.js";

const SCRIPT = ["One. ", "Two. ", "Three. ", "Four."];

/** Advances the fake clock in 1 ms steps, letting every reaction run between them. */
async function advance(ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    vi.advanceTimersByTime(1);
    await settle();
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("bridge.conversation({ bargeIn })", () => {
  it("holds on UserStartedSpeaking and resumes exactly after a backchannel", async () => {
    const node = new StreamingNode(() => SCRIPT);
    const h = await bargeInHarness(node, { bargeIn: {} });
    await h.said("Count to four.");
    await h.stopped();
    await advance(15); // "One. " is out; the generator sleeps before "Two. "
    await h.started();
    await advance(30); // held: nothing more goes out
    expect(h.chunks()).toEqual(["One. "]);
    await h.said("Mm-hmm.");
    await h.stopped();
    await advance(100);
    expect(h.chunks()).toEqual(SCRIPT);
    const generationId = h.seen[0]?.generationId;
    expect(h.seen.map((s) => [s.kind, s.generationId])).toEqual([
      ["chunk", generationId],
      ["paused", generationId],
      ["resumed", generationId],
      ["chunk", generationId],
      ["chunk", generationId],
      ["chunk", generationId],
      ["complete", generationId],
    ]);
    expect(node.turns).toBe(1); // the backchannel's UserStoppedSpeaking started no turn
    expect(node.conversationEvents).toEqual([
      new UserTranscriptionReceived({ content: "Count to four." }),
      new AgentResponse({ content: SCRIPT.join("") }),
      new UserBackchannel({ content: "Mm-hmm." }),
    ]);
    await h.bus.cleanup();
  });

  it("cancels a confirmed interruption as without a policy, then answers it", async () => {
    const node = new StreamingNode((turn) => (turn === 0 ? SCRIPT : ["Paris it is."]));
    const h = await bargeInHarness(node, { bargeIn: {} });
    await h.said("Count to four.");
    await h.stopped();
    await advance(25); // "One. ", "Two. "
    await h.started();
    await advance(20);
    await h.said("Actually, tell me about Paris.");
    expect(node.finallyRan).toEqual(["turn 0"]);
    await h.stopped();
    await advance(50);
    expect(h.chunks()).toEqual(["One. ", "Two. ", "Paris it is."]);
    expect(h.seen.filter((s) => s.kind === "resumed")).toEqual([]);
    expect(node.conversationEvents).toEqual([
      new UserTranscriptionReceived({ content: "Count to four." }),
      new AgentResponse({ content: "One. Two. ", interrupted: true }),
      new UserTranscriptionReceived({ content: "Actually, tell me about Paris." }),
      new AgentResponse({ content: "Paris it is." }),
    ]);
    await h.bus.cleanup();
  });

  it("starts the turn of an interruption confirmed after the user stopped", async () => {
    const node = new StreamingNode((turn) => (turn === 0 ? SCRIPT : ["Sure."]));
    const h = await bargeInHarness(node, { bargeIn: {} });
    await h.stopped();
    await advance(15);
    await h.started();
    await h.stopped(); // the turn trigger waits for the verdict
    await advance(500);
    expect(node.turns).toBe(1);
    await h.said("What time is it?");
    await advance(20);
    expect(h.chunks()).toEqual(["One. ", "Sure."]);
    expect(node.turns).toBe(2);
    await h.bus.cleanup();
  });

  it("resumes when no transcript comes within falseInterruptionMs of the user stopping", async () => {
    const node = new StreamingNode(() => SCRIPT);
    const h = await bargeInHarness(node, { bargeIn: { falseInterruptionMs: 300 } });
    await h.stopped();
    await advance(15);
    await h.started(); // a cough
    await advance(1000); // however long the user "speaks", no verdict while speaking
    expect(h.chunks()).toEqual(["One. "]);
    await h.stopped();
    await advance(299);
    expect(h.chunks()).toEqual(["One. "]);
    await advance(1);
    await advance(100);
    expect(h.chunks()).toEqual(SCRIPT);
    expect(node.turns).toBe(1);
    expect(node.conversationEvents).toEqual([new AgentResponse({ content: SCRIPT.join("") })]);
    await h.bus.cleanup();
  });

  it("resumes after an utterance shorter than minWords", async () => {
    const node = new StreamingNode(() => SCRIPT);
    const h = await bargeInHarness(node, { bargeIn: { minWords: 3 } });
    await h.stopped();
    await advance(15);
    await h.started();
    await h.said("wait what");
    await h.stopped();
    await advance(100);
    expect(h.chunks()).toEqual(SCRIPT);
    expect(node.conversationEvents.at(-1)).toEqual(new UserBackchannel({ content: "wait what" }));
    await h.bus.cleanup();
  });

  it("takes a backchannel list of its own", async () => {
    const node = new StreamingNode(() => SCRIPT);
    const h = await bargeInHarness(node, { bargeIn: { backchannels: ["aye"] } });
    await h.stopped();
    await advance(15);
    await h.started();
    await h.said("yeah");
    expect(node.finallyRan).toEqual(["turn 0"]); // "yeah" is not on this list: a real interruption
    await h.bus.cleanup();
  });

  it("does not hold a segment of uninterruptible chunks; holds right after it", async () => {
    const node = new StreamingNode(() => [
      "Hi. ",
      new AgentResponse({ content: "Calls are ", interruptible: false }),
      new AgentResponse({ content: "recorded. ", interruptible: false }),
      "How can I help?",
    ]);
    const h = await bargeInHarness(node, { bargeIn: {} });
    await h.stopped();
    await advance(25); // "Hi. ", "Calls are "
    await h.started();
    await advance(10);
    expect(h.seen.filter((s) => s.kind === "paused")).toHaveLength(0); // the segment goes on
    await advance(10); // the segment ended: the chunk after it is held
    expect(h.chunks()).toEqual(["Hi. ", "Calls are ", "recorded. "]);
    expect(h.seen.filter((s) => s.kind === "paused")).toHaveLength(1);
    await h.said("ok");
    await h.stopped();
    await advance(20);
    expect(h.chunks()).toEqual(["Hi. ", "Calls are ", "recorded. ", "How can I help?"]);
    await h.bus.cleanup();
  });

  it('drops an interrupt that arrives during uninterruptible output with onUninterruptible: "drop"', async () => {
    const node = new StreamingNode((turn) =>
      turn === 0
        ? [
            new AgentResponse({ content: "Calls are ", interruptible: false }),
            new AgentResponse({ content: "recorded. ", interruptible: false }),
            "How can I help?",
          ]
        : ["Answer."],
    );
    const h = await bargeInHarness(node, { bargeIn: {}, onUninterruptible: "drop" });
    await h.stopped();
    await advance(15);
    await h.started();
    await h.said("I want to cancel my order");
    await h.stopped();
    await advance(100);
    // The whole first generation went out, then the user's turn was answered.
    expect(h.chunks()).toEqual(["Calls are ", "recorded. ", "How can I help?", "Answer."]);
    await h.bus.cleanup();
  });

  it("keeps a whole generation uninterruptible with interruptible: false", async () => {
    const node = new StreamingNode((turn) => (turn === 0 ? SCRIPT : ["Next."]));
    const h = await bargeInHarness(node, { interruptible: () => node.turns > 0 });
    await h.stopped();
    await advance(15);
    await h.started();
    await advance(100);
    expect(h.chunks()).toEqual(SCRIPT);
    await h.bus.cleanup();
  });

  it("clears its timers when the bus stops", async () => {
    const node = new StreamingNode(() => SCRIPT);
    const h = await bargeInHarness(node, { bargeIn: {} });
    await h.stopped();
    await advance(15);
    await h.started();
    await h.stopped();
    // The falseInterruptionMs window, and the generator's pacing timer (it is held at its next yield).
    expect(vi.getTimerCount()).toBe(2);
    await h.bus.cleanup();
    expect(vi.getTimerCount()).toBe(0);
    expect(node.finallyRan).toEqual(["turn 0"]);
  });
});
