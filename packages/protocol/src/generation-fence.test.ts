import { describe, expect, it } from "vitest";
import { GenerationFence } from "./generation-fence.js";

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

  it("fences nothing when nothing is speaking", () => {
    const fence = new GenerationFence();
    expect(fence.interrupt()).toBeUndefined();
    expect(fence.admit({ generation_id: "g1" })).toBe(true);
  });
});
