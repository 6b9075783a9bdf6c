import { describe, expect, it } from "vitest";
import { FENCE_MAX_HELD_FRAMES, GenerationFence } from "./generation-fence.js";

describe("GenerationFence", () => {
  it("admits everything until an interrupt, then drops the interrupted generation's late frames", () => {
    const fence = new GenerationFence();
    expect(fence.admit({ generation_id: "g1" })).toBe(true);
    expect(fence.speaking).toBe("g1");
    expect(fence.interrupt()).toBe("g1");
    expect(fence.speaking).toBeUndefined();
    expect(fence.admit({ generation_id: "g1" })).toBe(false);
    expect(fence.isFenced({ generation_id: "g1" })).toBe(true);
    expect(fence.admit({ generation_id: "g2" })).toBe(true);
    expect(fence.speaking).toBe("g2");
  });

  it("always admits frames without a generation", () => {
    const fence = new GenerationFence();
    fence.admit({ generation_id: "g1" });
    fence.interrupt();
    expect(fence.admit({})).toBe(true);
    expect(fence.isFenced({})).toBe(false);
  });

  it("lifts the fence when a barge-in policy resumes the generation", () => {
    const fence = new GenerationFence();
    fence.admit({ type: "message", generation_id: "g1" });
    fence.interrupt();
    expect(fence.admit({ type: "log_event", event: "agent_paused", generation_id: "g1" })).toBe(
      false,
    );
    expect(fence.admit({ type: "log_event", event: "agent_resumed", generation_id: "g1" })).toBe(
      true,
    );
    expect(fence.admit({ type: "message", generation_id: "g1" })).toBe(true);
    expect(fence.speaking).toBe("g1");
    // Another generation's resume does not lift a fence it does not own.
    fence.interrupt();
    expect(fence.admit({ type: "log_event", event: "agent_resumed", generation_id: "g2" })).toBe(
      true,
    );
    expect(fence.isFenced({ generation_id: "g1" })).toBe(true);
  });

  it("gives back, on resume, the frames it dropped while the generation was fenced", () => {
    // A chunk in flight when the user spoke arrives after the client fenced its generation; the
    // server counted it delivered, so if a barge-in policy resumes the generation the client must
    // still render it: dropped for good, the resumed answer would miss a word.
    const fence = new GenerationFence<{
      type: string;
      content?: string;
      event?: string;
      generation_id: string;
    }>();
    fence.admit({ type: "message", content: "running offline,", generation_id: "g1" });
    fence.interrupt();
    expect(fence.admit({ type: "message", content: " so", generation_id: "g1" })).toBe(false);
    expect(fence.admit({ type: "message", content: " I", generation_id: "g1" })).toBe(false);
    expect(fence.admit({ type: "log_event", event: "agent_resumed", generation_id: "g1" })).toBe(
      true,
    );
    expect(fence.takeHeld("g1").map((f) => f.content)).toEqual([" so", " I"]);
    expect(fence.takeHeld("g1")).toEqual([]); // given back once
  });

  it("forgets a fenced generation's frames once another generation speaks", () => {
    const fence = new GenerationFence();
    fence.admit({ type: "message", generation_id: "g1" });
    fence.interrupt();
    fence.admit({ type: "message", generation_id: "g1" });
    expect(fence.admit({ type: "message", generation_id: "g2" })).toBe(true);
    expect(fence.takeHeld("g1")).toEqual([]);
  });

  it(`holds at most FENCE_MAX_HELD_FRAMES (${FENCE_MAX_HELD_FRAMES}) frames`, () => {
    const fence = new GenerationFence();
    fence.admit({ generation_id: "g1" });
    fence.interrupt();
    for (let i = 0; i < FENCE_MAX_HELD_FRAMES + 10; i++) fence.admit({ generation_id: "g1" });
    expect(fence.takeHeld("g1")).toHaveLength(FENCE_MAX_HELD_FRAMES);
  });

  it("fences nothing when nothing is speaking", () => {
    const fence = new GenerationFence();
    expect(fence.interrupt()).toBeUndefined();
    expect(fence.admit({ generation_id: "g1" })).toBe(true);
  });

  it("fences a generation by id, even one never seen", () => {
    const fence = new GenerationFence();
    fence.fence("g0");
    expect(fence.admit({ generation_id: "g0" })).toBe(false);
    fence.admit({ generation_id: "g1" });
    fence.fence("g1");
    expect(fence.speaking).toBeUndefined();
    expect(fence.admit({ generation_id: "g1" })).toBe(false);
    expect(fence.admit({ generation_id: "g2" })).toBe(true);
  });
});
