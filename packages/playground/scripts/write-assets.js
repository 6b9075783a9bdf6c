// `pnpm build`: bundle the page into dist/assets/, which the compiled package serves.
import { mkdir, writeFile } from "node:fs/promises";
import { URL } from "node:url";
import { bundlePlayground } from "../dist/internal/bundle-playground.js";

const outDir = new URL("../dist/assets/", import.meta.url);
await mkdir(outDir, { recursive: true });
for (const [name, body] of await bundlePlayground()) {
  await writeFile(new URL(name, outDir), body);
}
