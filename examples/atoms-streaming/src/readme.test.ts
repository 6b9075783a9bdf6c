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

  it("has one table line per pattern file", () => {
    expect(unlinkedEntries(root, "src/patterns")).toEqual([]);
  });
});
