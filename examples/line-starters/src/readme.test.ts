import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(`${root}/README.md`, "utf8");
const sources = readdirSync(`${root}/src`, { recursive: true, encoding: "utf8" })
  .filter((path) => path.endsWith(".ts") && !path.endsWith(".test.ts"))
  .map((path) => readFileSync(`${root}/src/${path}`, "utf8"));

describe("the README", () => {
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");

  it("shows TypeScript that is the examples' code, verbatim", () => {
    expect(blocks.length).toBeGreaterThan(0);
    // Compared without indentation: an excerpt from inside a function is shown dedented.
    const flat = (code: string) => code.replace(/^[ \t]+/gm, "");
    for (const block of blocks) {
      expect(
        sources.some((s) => flat(s).includes(flat(block))),
        block,
      ).toBe(true);
    }
  });

  it("has one table line per example", () => {
    const examples = readdirSync(`${root}/src`, { withFileTypes: true }).filter((e) =>
      e.isDirectory(),
    );
    expect(examples.length).toBe(5);
    for (const dir of examples)
      expect(readme).toMatch(new RegExp(`\\(src/${dir.name}/[\\w-]+\\.ts\\)`));
  });
});
