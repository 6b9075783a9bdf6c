import { describe, expect, it } from "vitest";
import { runFirstRoute } from "./first-route.js";

describe("the README's first route", () => {
  it("answers a turn and stops mid-answer when the user talks over it", async () => {
    const [spoken, history] = await runFirstRoute();
    expect(spoken).toMatch(/^You said: hello there\.You said: /);
    expect(spoken).not.toContain("long story.");
    expect(history).toContain('"interrupted":true');
  });
});
