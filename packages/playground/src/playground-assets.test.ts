import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadPlaygroundAssets, PLAYGROUND_ASSET_NAMES } from "./playground-assets.js";

/** The budget for the whole page, gzipped. */
const MAX_GZIPPED_BYTES = 150 * 1024;

describe("loadPlaygroundAssets", () => {
  it("bundles the page from its sources when no prebuilt assets sit beside the module", async () => {
    const assets = await loadPlaygroundAssets();
    expect([...assets.keys()].sort()).toEqual([...PLAYGROUND_ASSET_NAMES].sort());
    const html = new TextDecoder().decode(assets.get("index.html"));
    expect(html).toContain('src="%BASE_PATH%/playground.js"');
    expect(new TextDecoder().decode(assets.get("playground.css"))).toContain(".transcript");
  });

  it("caches the result: one bundle per process", async () => {
    expect(await loadPlaygroundAssets()).toBe(await loadPlaygroundAssets());
  });

  it("stays within 150 KB gzipped", async () => {
    const assets = await loadPlaygroundAssets();
    const gzipped = [...assets.values()].reduce((sum, body) => sum + gzipSync(body).byteLength, 0);
    expect(gzipped).toBeGreaterThan(1000);
    expect(gzipped).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });

  it("links only its own files: no CDN", async () => {
    const html = new TextDecoder().decode((await loadPlaygroundAssets()).get("index.html"));
    const links = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual(["data:,", "%BASE_PATH%/playground.css", "%BASE_PATH%/playground.js"]);
  });
});
