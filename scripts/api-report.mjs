#!/usr/bin/env node
// The API report of every package under packages/: api-extractor reads dist/index.d.ts and
// writes packages/<name>/etc/<name>.api.md, which is committed. `--check` (CI) fails when the
// public API changed and the report was not updated; without it the reports are rewritten.
// Usage (after `pnpm build`): node scripts/api-report.mjs [--check]
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
let failed = 0;

for (const dir of readdirSync(join(root, "packages")).sort()) {
  const packageDir = join(root, "packages", dir);
  const manifestPath = join(packageDir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (manifest.private) continue;
  const entry = join(packageDir, "dist", "index.d.ts");
  if (!existsSync(entry)) {
    console.error(`${manifest.name}: ${entry} is missing; run pnpm build first`);
    failed++;
    continue;
  }
  mkdirSync(join(packageDir, "etc"), { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: packageDir,
      mainEntryPointFilePath: "<projectFolder>/dist/index.d.ts",
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: "ES2023",
            lib: ["ES2023"],
            module: "NodeNext",
            moduleResolution: "NodeNext",
            types: ["node"],
            strict: true,
            skipLibCheck: true,
          },
          include: ["dist/**/*.d.ts"],
        },
      },
      apiReport: {
        enabled: true,
        reportFolder: "<projectFolder>/etc/",
        reportTempFolder: join(root, "node_modules", ".cache", "api-report", dir),
        reportFileName: "<unscopedPackageName>.api.md",
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: "warning" } },
        extractorMessageReporting: {
          default: { logLevel: "warning" },
          // Release tags (@public/@beta) are not how we mark stability; internals are not exported.
          "ae-missing-release-tag": { logLevel: "none" },
          "ae-forgotten-export": { logLevel: "none" },
          "ae-internal-missing-underscore": { logLevel: "none" },
          "ae-undocumented": { logLevel: "none" },
        },
        tsdocMessageReporting: { default: { logLevel: "none" } },
      },
    },
    configObjectFullPath: join(packageDir, "api-extractor.json"),
    packageJsonFullPath: manifestPath,
  });
  const result = Extractor.invoke(config, { localBuild: !check, showVerboseMessages: false });
  if (result.succeeded) {
    console.log(
      `${manifest.name}: API report ${result.apiReportChanged ? "updated" : "unchanged"}`,
    );
  } else {
    failed++;
    console.error(
      `${manifest.name}: the public API differs from packages/${dir}/etc/ ` +
        "(run `pnpm api:update` and commit the report if the change is intended)",
    );
  }
}
process.exit(failed === 0 ? 0 : 1);
