import { describe, expect, it } from "vitest";
import { retryDelay } from "./retry-delay.js";

describe("retryDelay", () => {
  it("spreads 1,000 sessions' first retries over the whole window (full jitter)", () => {
    const delays = Array.from({ length: 1000 }, () =>
      retryDelay({ attempt: 0, baseMs: 250, capMs: 4000, retryAfterMs: undefined }),
    );
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(250);
    // Lock-step retries would put all 1,000 in one bucket; full jitter fills every 25 ms bucket.
    const buckets = new Set(delays.map((delay) => Math.floor(delay / 25)));
    expect(buckets.size).toBe(10);
  });

  it("doubles the window each attempt, up to the cap", () => {
    const top = (attempt: number) =>
      retryDelay({
        attempt,
        baseMs: 250,
        capMs: 4000,
        retryAfterMs: undefined,
        random: () => 0.999_999,
      });
    expect([0, 1, 2, 3, 4, 5].map(top)).toEqual([249, 499, 999, 1999, 3999, 3999]);
    expect(
      retryDelay({
        attempt: 3,
        baseMs: 250,
        capMs: 4000,
        retryAfterMs: undefined,
        random: () => 0,
      }),
    ).toBe(0);
  });

  it("honours the server's retry-after exactly, capped", () => {
    expect(retryDelay({ attempt: 0, baseMs: 250, capMs: 4000, retryAfterMs: 1200 })).toBe(1200);
    expect(retryDelay({ attempt: 0, baseMs: 250, capMs: 4000, retryAfterMs: 60_000 })).toBe(4000);
  });
});
