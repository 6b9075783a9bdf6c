import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** An example package's README and the source files it may quote. */
export interface ExampleReadme {
  readme: string;
  /** The README's TypeScript blocks. */
  blocks: string[];
  /** The blocks found in no source file of `src/` (test files excluded), compared without indentation. */
  notInSources: string[];
}

/** Compared without indentation: an excerpt from inside a function is shown dedented. */
const flat = (code: string) => code.replace(/^[ \t]+/gm, "");

/**
 * Reads the README of the example package at `root` and checks that every TypeScript block it
 * shows is the example's code, verbatim.
 * @example expect(readExampleReadme(root).notInSources).toEqual([]);
 */
export function readExampleReadme(root: string): ExampleReadme {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts") && !path.endsWith(".test.ts"))
    .map((path) => flat(readFileSync(join(root, "src", path), "utf8")));
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  const notInSources = blocks.filter((block) => !sources.some((s) => s.includes(flat(block))));
  return { readme, blocks, notInSources };
}

/**
 * The entries of `dir` (below `root`) that the README links to nowhere: its `.ts` files (tests
 * excluded) linked as `(dir/name.ts)`, or with `directories`, its folders linked as `(dir/name/….ts)`.
 * @example expect(unlinkedEntries(root, "src/patterns")).toEqual([]);
 */
export function unlinkedEntries(
  root: string,
  dir: string,
  options: { directories?: boolean } = {},
): string[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const entries = readdirSync(join(root, dir), { withFileTypes: true });
  if (options.directories === true) {
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .filter((name) => !readme.includes(`(${dir}/${name}/`));
  }
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => e.name)
    .filter((name) => !readme.includes(`(${dir}/${name})`));
}
