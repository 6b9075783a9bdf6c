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

  it("loads nothing from the network: no absolute URLs in the page", async () => {
    for (const [name, body] of await loadPlaygroundAssets()) {
      const text = new TextDecoder().decode(body);
      // The SVG namespace is a name, not a fetch.
      const urls = (text.match(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s"'`)]*/gi) ?? []).filter(
        (url) => !url.includes("www.w3.org/2000/svg"),
      );
      expect({ name, urls }).toEqual({ name, urls: [] });
    }
  });
});
