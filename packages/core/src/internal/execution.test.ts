import { describe, expect, it } from "vitest";
import { Message } from "../message.js";
import { CANCELLED, Execution } from "./execution.js";

const never = new Promise<never>(() => undefined);

describe("Execution", () => {
  describe("#race", () => {
    it("wakes every overlapping await on cancel, not only the latest", async () => {
      const execution = new Execution(new Message({ source: "test", event: {} }));
      const first = execution.race(never);
      const second = execution.race(never);
      const third = execution.race(Promise.resolve("done"));
      expect(await third).toBe("done");
      execution.cancel();
      expect(await first).toBe(CANCELLED);
      expect(await second).toBe(CANCELLED);
    });

    it("settles with the value when it wins, and with CANCELLED once cancelled", async () => {
      const execution = new Execution(new Message({ source: "test", event: {} }));
      expect(await execution.race(Promise.resolve(1))).toBe(1);
      await expect(execution.race(Promise.reject(new Error("boom")))).rejects.toThrow("boom");
      execution.cancel();
      expect(await execution.race(Promise.reject(new Error("ignored after cancel")))).toBe(
        CANCELLED,
      );
      expect(execution.signal.aborted).toBe(true);
    });
  });
});

describe("Execution#cancel", () => {
  it("aborts with an AbortError reason that fetch, the OpenAI SDK and timers recognise", () => {
    const execution = new Execution(new Message({ source: "test", event: {} }));
    const { signal } = execution;
    execution.cancel();
    expect(signal.reason).toBeInstanceOf(DOMException);
    expect((signal.reason as DOMException).name).toBe("AbortError");
  });
});
