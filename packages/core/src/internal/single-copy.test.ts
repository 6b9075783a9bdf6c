import { describe, expect, it } from "vitest";
import { SwitchboardError } from "../errors.js";
import { claimSingleCopy } from "./single-copy.js";

describe("claimSingleCopy", () => {
  it("lets the same copy load twice (a re-evaluated module)", () => {
    const scope = {};
    claimSingleCopy(
      "file:///app/node_modules/@switchboard/core/dist/internal/single-copy.js",
      scope,
    );
    expect(() =>
      claimSingleCopy(
        "file:///app/node_modules/@switchboard/core/dist/internal/single-copy.js",
        scope,
      ),
    ).not.toThrow();
  });

  it("refuses a second copy with an error that names both and says how to fix it", () => {
    const scope = {};
    claimSingleCopy(
      "file:///app/node_modules/@switchboard/core/dist/internal/single-copy.js",
      scope,
    );
    let thrown: unknown;
    try {
      claimSingleCopy(
        "file:///app/node_modules/@switchboard/openai/node_modules/@switchboard/core/dist/internal/single-copy.js",
        scope,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SwitchboardError);
    expect((thrown as SwitchboardError).code).toBe("DUPLICATE_CORE");
    expect((thrown as Error).message).toMatch(/two copies of @switchboard\/core are loaded/);
    expect((thrown as Error).message).toContain(
      "@switchboard/openai/node_modules/@switchboard/core",
    );
    expect((thrown as Error).message).toContain("npm ls @switchboard/core");
  });

  it("has registered the copy this test runs on, under the global Symbol.for key", () => {
    const loaded = (globalThis as Record<symbol, unknown>)[Symbol.for("@switchboard/core")];
    expect(loaded).toMatchObject({
      url: expect.stringMatching(/single-copy\.(ts|js)$/) as unknown,
    });
  });
});
