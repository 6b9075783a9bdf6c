import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Every TypeScript block of the docs is a real file here, so `tsc -p docs/snippets` checks it.
 * A block is tied to its file by an HTML comment on the line above (blank lines allowed):
 *
 *     <!-- snippet: routes-selectors.ts -->
 *     ```ts
 *     …the exact content of docs/snippets/routes-selectors.ts…
 *     ```
 */
const snippetsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(snippetsDir, "..", "..");

interface CodeBlock {
  file: string;
  line: number;
  lang: string;
  snippet: string | undefined;
  code: string;
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(repoRoot, "docs"), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".md") && !path.split(/[\\/]/).includes("node_modules"))
    .map((path) => join(repoRoot, "docs", path));
  const readmes = readdirSync(join(repoRoot, "packages"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(repoRoot, "packages", entry.name, "README.md"))
    .filter((path) => {
      try {
        readFileSync(path);
        return true;
      } catch {
        return false;
      }
    });
  return [...docs, ...readmes].sort();
}

function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i] ?? "");
    if (open === null) continue;
    const fence = open[1] ?? "```";
    const lang = open[2] ?? "";
    let j = i - 1;
    while (j >= 0 && (lines[j] ?? "").trim() === "") j--;
    const marker = /^<!--\s*snippet:\s*(\S+)\s*-->$/.exec((lines[j] ?? "").trim());
    const end = lines.findIndex((line, k) => k > i && line.trim() === fence);
    const stop = end === -1 ? lines.length : end;
    blocks.push({
      file: relative(repoRoot, file),
      line: i + 1,
      lang,
      snippet: marker?.[1],
      code: `${lines.slice(i + 1, stop).join("\n")}\n`,
    });
    i = stop;
  }
  return blocks;
}

const blocks = markdownFiles().flatMap(codeBlocks);
const tsBlocks = blocks.filter((b) => ["ts", "typescript", "tsx"].includes(b.lang));
const snippetFiles = readdirSync(snippetsDir).filter(
  (name) => name.endsWith(".ts") && !name.endsWith(".test.ts"),
);

describe("docs snippets", () => {
  it("finds the TypeScript blocks of the docs", () => {
    expect(tsBlocks.length).toBeGreaterThan(0);
  });

  it.each(tsBlocks.map((b) => [`${b.file}:${b.line}`, b] as const))(
    "%s is a snippet file, byte for byte",
    (_where, block) => {
      expect(
        block.snippet,
        "mark the block with <!-- snippet: name.ts --> on the line above",
      ).toBeDefined();
      const path = join(snippetsDir, block.snippet ?? "");
      expect(snippetFiles, `docs/snippets/${block.snippet} does not exist`).toContain(
        block.snippet,
      );
      expect(block.code).toBe(readFileSync(path, "utf8"));
    },
  );

  it("marks only TypeScript blocks as snippets", () => {
    const misplaced = blocks.filter((b) => b.snippet !== undefined && !tsBlocks.includes(b));
    expect(misplaced.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  it("shows every snippet file somewhere in the docs", () => {
    const shown = new Set(tsBlocks.map((b) => b.snippet));
    expect(snippetFiles.filter((name) => !shown.has(name))).toEqual([]);
  });
});
