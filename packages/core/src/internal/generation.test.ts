import { describe, expect, it } from "vitest";
import { Message } from "../message.js";
import { CANCELLED, Generation } from "./generation.js";

const never = new Promise<never>(() => undefined);

describe("Generation", () => {
  describe("#race", () => {
    it("wakes every overlapping await on cancel, not only the latest", async () => {
      const generation = new Generation(new Message({ source: "test", event: {} }));
      const first = generation.race(never);
      const second = generation.race(never);
      const third = generation.race(Promise.resolve("done"));
      expect(await third).toBe("done");
      generation.cancel();
      expect(await first).toBe(CANCELLED);
      expect(await second).toBe(CANCELLED);
    });

    it("settles with the value when it wins, and with CANCELLED once cancelled", async () => {
      const generation = new Generation(new Message({ source: "test", event: {} }));
      expect(await generation.race(Promise.resolve(1))).toBe(1);
      await expect(generation.race(Promise.reject(new Error("boom")))).rejects.toThrow("boom");
      generation.cancel();
      expect(await generation.race(Promise.reject(new Error("ignored after cancel")))).toBe(
        CANCELLED,
      );
      expect(generation.signal.aborted).toBe(true);
    });
  });
});

describe("Generation#cancel", () => {
  it("aborts with an AbortError reason that fetch, the OpenAI SDK and timers recognise", () => {
    const generation = new Generation(new Message({ source: "test", event: {} }));
    const { signal } = generation;
    generation.cancel();
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe("AbortError");
  });
});

describe("Generation#whenFinished", () => {
  it("calls back inside finish(), in order, and at once once finished", () => {
    const generation = new Generation(new Message({ source: "test", event: {} }));
    const calls: string[] = [];
    generation.whenFinished(() => calls.push("first"));
    generation.whenFinished(() => calls.push("second"));
    expect(calls).toEqual([]);
    generation.finish();
    // No promise hop: an interrupt's handler runs in the call that ends the generation.
    expect(calls).toEqual(["first", "second"]);
    generation.whenFinished(() => calls.push("late"));
    expect(calls).toEqual(["first", "second", "late"]);
    generation.finish();
    expect(calls).toHaveLength(3);
  });
});
