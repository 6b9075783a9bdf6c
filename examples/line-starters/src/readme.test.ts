import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readExampleReadme, unlinkedEntries } from "@switchboard/examples-kit";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

describe("the README", () => {
  it("shows TypeScript that is the examples' code, verbatim", () => {
    const { blocks, notInSources } = readExampleReadme(root);
    expect(blocks.length).toBeGreaterThan(0);
    expect(notInSources).toEqual([]);
  });

  it("has one table line per example", () => {
    const examples = readdirSync(`${root}/src`, { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(examples.length).toBe(5);
    expect(unlinkedEntries(root, "src", { directories: true })).toEqual([]);
  });
});
