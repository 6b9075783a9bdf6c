import { describe, expect, it, vi } from "vitest";
import { delay } from "./delay.js";
import { isAbortError } from "./errors.js";

describe("delay", () => {
  it("resolves after the time has passed", async () => {
    const started = performance.now();
    await expect(delay(20)).resolves.toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it("rejects with an AbortError the moment the signal aborts, clearing its timer", async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const waiting = delay(60_000, { signal: controller.signal });
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      const error: unknown = await waiting.catch((e: unknown) => e);
      expect(isAbortError(error)).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects at once on an already aborted signal, keeping an AbortError reason", async () => {
    const controller = new AbortController();
    const reason = new DOMException("interrupted", "AbortError");
    controller.abort(reason);
    await expect(delay(10, { signal: controller.signal })).rejects.toBe(reason);
  });

  it("turns a non-abort reason (a timeout) into an AbortError", async () => {
    const error: unknown = await delay(10_000, { signal: AbortSignal.timeout(1) }).catch(
      (e: unknown) => e,
    );
    expect(isAbortError(error)).toBe(true);
  });

  it("waits only for the signal when ms is beyond setTimeout's range", async () => {
    const controller = new AbortController();
    const waiting = delay(Infinity, { signal: controller.signal });
    let settled = false;
    void waiting.catch(() => (settled = true));
    await delay(5);
    expect(settled).toBe(false);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: "AbortError" });
  });
});
