#!/usr/bin/env node
// The API report of every package under packages/: api-extractor reads the .d.ts of each export
// entry and writes packages/<name>/etc/<name>.api.md (the main entry) or <name>-<entry>.api.md
// (a subpath such as `@switchboard/core/line`), which are committed. api-extractor does not report
// module augmentations (the names `@switchboard/core/line` adds to RouteBuilder): the tarball check
// pins those, compiling a project with the entry and one without it. `--check` (CI) fails when the
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
  mkdirSync(join(packageDir, "etc"), { recursive: true });
  for (const [subpath, target] of Object.entries(manifest.publishConfig?.exports ?? {})) {
    if (subpath === "./package.json") continue;
    const types = typeof target === "string" ? target : target.types;
    const entry = join(packageDir, types);
    const suffix = subpath === "." ? "" : `-${subpath.slice(2).replaceAll("/", "-")}`;
    const label = `${manifest.name}${subpath.slice(1)}`;
    if (!existsSync(entry)) {
      console.error(`${label}: ${entry} is missing; run pnpm build first`);
      failed++;
      continue;
    }
    failed += report(packageDir, manifestPath, entry, `${dir}${suffix}`, label);
  }
}
process.exit(failed === 0 ? 0 : 1);

/** Writes or checks one entry's report; returns 1 when it fails. */
function report(packageDir, manifestPath, entry, reportName, label) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: packageDir,
      mainEntryPointFilePath: entry,
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
        reportTempFolder: join(root, "node_modules", ".cache", "api-report", reportName),
        reportFileName: `${reportName}.api.md`,
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
    console.log(`${label}: API report ${result.apiReportChanged ? "updated" : "unchanged"}`);
    return 0;
  }
  console.error(
    `${label}: the public API differs from ${reportName}.api.md in ${packageDir}/etc/ ` +
      "(run `pnpm api:update` and commit the report if the change is intended)",
  );
  return 1;
}
