import { describe, expect, it } from "vitest";
import { InputRateLimiter } from "./input-rate-limiter.js";

function limiter(clock: { t: number }) {
  return new InputRateLimiter({
    framesPerSecond: 10,
    bytesPerSecond: 1000,
    burstBytes: 2000,
    maxOverLimitMs: 5000,
    now: () => clock.t,
  });
}

describe("InputRateLimiter", () => {
  it("accepts a burst, then asks for a pause that pays the frame debt back", () => {
    const clock = { t: 0 };
    const rate = limiter(clock);
    for (let i = 0; i < 10; i++) expect(rate.admit(10)).toEqual({ action: "accept" });
    expect(rate.admit(10)).toEqual({ action: "pause", ms: 100 });
    clock.t = 300; // a client back under the rate is accepted and forgiven
    expect(rate.admit(10)).toEqual({ action: "accept" });
  });

  it("pauses on bytes as well as frames: one frame as large as the burst passes, the next waits", () => {
    const clock = { t: 0 };
    const rate = limiter(clock);
    expect(rate.admit(2000)).toEqual({ action: "accept" });
    expect(rate.admit(500)).toEqual({ action: "pause", ms: 500 });
  });

  it("says close once a client has stayed over the rate for maxOverLimitMs", () => {
    const clock = { t: 0 };
    const rate = limiter(clock);
    let verdict = rate.admit(0);
    // A flooder sends as soon as each pause ends: it never gets back under the rate.
    while (verdict.action !== "close") {
      clock.t += verdict.action === "pause" ? verdict.ms : 0;
      verdict = rate.admit(500);
      expect(clock.t).toBeLessThan(6000);
    }
    expect(verdict.overForMs).toBeGreaterThan(5000);
  });

  it("says close at once for a debt larger than maxOverLimitMs", () => {
    const rate = limiter({ t: 0 });
    expect(rate.admit(2000)).toEqual({ action: "accept" });
    expect(rate.admit(6000)).toEqual({ action: "close", overForMs: 6000 });
  });
});
