import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readExampleReadme, unlinkedEntries } from "./readme-check.js";

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** An example package in a temporary folder: a README and source files under src/. */
function example(readme: string, files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), "examples-kit-"));
  writeFileSync(join(root, "README.md"), readme);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, "src", path, ".."), { recursive: true });
    writeFileSync(join(root, "src", path), text);
  }
  return root;
}

describe("the README checks", () => {
  it("accept a dedented excerpt of a source, and name a block no source holds", () => {
    const dir = example("```ts\nreturn 1;\n```\n\n```ts\nreturn 2;\n```\n", {
      "a.ts": "function f() {\n  return 1;\n}\n",
      "a.test.ts": "return 2;\n",
    });
    const { blocks, notInSources } = readExampleReadme(dir);
    expect(blocks).toHaveLength(2);
    // A test file is not a source the README may quote.
    expect(notInSources).toEqual(["return 2;\n"]);
  });

  it("name the files and folders the README's table does not link", () => {
    const dir = example("| [A](src/patterns/a.ts) | [X](src/x/main.ts) |\n", {
      "patterns/a.ts": "",
      "patterns/b.ts": "",
      "patterns/b.test.ts": "",
      "x/main.ts": "",
      "y/main.ts": "",
    });
    expect(unlinkedEntries(dir, "src/patterns")).toEqual(["b.ts"]);
    expect(unlinkedEntries(dir, "src", { directories: true })).toEqual(["y"]);
  });
});
