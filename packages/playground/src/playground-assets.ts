import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** The files of the page, served under `/playground/`. */
export const PLAYGROUND_ASSET_NAMES = ["index.html", "playground.js", "playground.css"] as const;

/** The name of one file of the page. */
export type PlaygroundAssetName = (typeof PLAYGROUND_ASSET_NAMES)[number];

/** The page's files by name: HTML, one script and one stylesheet. No CDN, nothing fetched at run time. */
export type PlaygroundAssets = ReadonlyMap<PlaygroundAssetName, Uint8Array>;

let loading: Promise<PlaygroundAssets> | undefined;

/**
 * The playground's static files. The compiled package reads the bundle `pnpm build` wrote beside it
 * (`dist/assets/`); run from sources (tests, `pnpm demo` under tsx) it bundles `src/browser/` with
 * esbuild once per process. Either way the result is cached.
 * @example
 * const assets = await loadPlaygroundAssets();
 * assets.get("index.html"); // Uint8Array
 */
export function loadPlaygroundAssets(): Promise<PlaygroundAssets> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<PlaygroundAssets> {
  const prebuilt = new URL("./assets/", import.meta.url);
  if (!existsSync(prebuilt)) {
    const { bundlePlayground } = await import("./internal/bundle-playground.js");
    return bundlePlayground();
  }
  const assets = new Map<PlaygroundAssetName, Uint8Array>();
  for (const name of PLAYGROUND_ASSET_NAMES) {
    assets.set(name, await readFile(new URL(name, prebuilt)));
  }
  return assets;
}
