import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * A package README's install lines must install what its snippets import (and each @switchboard
 * package's peers): a user copies both and expects them to run.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function packagesOf(specifiers: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const specifier of specifiers) {
    if (specifier.startsWith(".") || specifier.startsWith("node:")) continue;
    const parts = specifier.split("/");
    names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
  }
  return names;
}

function manifest(dir: string): { name: string; peerDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(repoRoot, "packages", dir, "package.json"), "utf8")) as {
    name: string;
    peerDependencies?: Record<string, string>;
  };
}

const peersByName = new Map(
  readdirSync(join(repoRoot, "packages")).map((dir) => {
    const { name, peerDependencies = {} } = manifest(dir);
    return [name, Object.keys(peerDependencies)] as const;
  }),
);

describe("package READMEs", () => {
  for (const dir of readdirSync(join(repoRoot, "packages"))) {
    it(`packages/${dir}/README.md installs what its snippets import`, () => {
      const readme = readFileSync(join(repoRoot, "packages", dir, "README.md"), "utf8");
      const installed = new Set(
        [...readme.matchAll(/^npm install (.+)$/gm)].flatMap((match) =>
          (match[1] ?? "").split(/\s+/).filter((word) => !word.startsWith("-")),
        ),
      );
      const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
      const imported = packagesOf(
        code.flatMap((block) => [...block.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1] ?? "")),
      );
      const needed = new Set(imported);
      for (const name of imported) {
        for (const peer of peersByName.get(name) ?? [])
          if (peer !== "pino-pretty") needed.add(peer);
      }
      expect(installed.size).toBeGreaterThan(0);
      expect([...needed].filter((name) => !installed.has(name)).sort()).toEqual([]);
    });
  }
});
