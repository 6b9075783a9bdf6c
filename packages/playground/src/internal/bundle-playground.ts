import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { PlaygroundAssetName } from "../playground-assets.js";

/** The page's sources: `src/browser/`, from `src/internal/` and from `dist/internal/` alike. */
const browserDir = fileURLToPath(new URL("../../src/browser/", import.meta.url));

/**
 * Bundles the page from its TypeScript sources with esbuild (a dev dependency, loaded only here):
 * what `pnpm build` writes to `dist/assets/`, and what a run from sources serves.
 */
export async function bundlePlayground(): Promise<Map<PlaygroundAssetName, Uint8Array>> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [`${browserDir}main.ts`],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: ["chrome111", "firefox115", "safari16.4"],
    // Workspace packages resolve to their sources, so no package needs building first.
    conditions: ["@switchboard/source"],
    outdir: "out",
    entryNames: "playground",
    write: false,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  const assets = new Map<PlaygroundAssetName, Uint8Array>();
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".js")) assets.set("playground.js", file.contents);
    else if (file.path.endsWith(".css")) assets.set("playground.css", file.contents);
  }
  assets.set("index.html", await readFile(`${browserDir}index.html`));
  return assets;
}
