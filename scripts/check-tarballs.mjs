#!/usr/bin/env node
// The proof that the published packages work in a user's project, not just inside the workspace.
//
// 1. `pnpm pack` every package under packages/ (so `workspace:` ranges become real versions) and
//    inspect each tarball: every export target, `bin`, LICENSE and README are in it; no export
//    condition points at src/; source maps are shipped with their sources or not at all; every
//    package a .d.ts imports is a dependency or peer dependency (and `ws` brings `@types/ws`).
// 2. Install the tarballs with npm into fresh projects outside the repo and type-check them with
//    tsc (moduleResolution nodenext and bundler, skipLibCheck false), then run: the README's first
//    route, a server app through one WebSocket turn, tools with zod 4 and zod 3.25 (`zod/v4`)
//    schemas, a user's own rxjs operator and openai client; `require()` works or fails clearly;
//    a second copy of core is refused with a clear error.
//
// Usage: node scripts/check-tarballs.mjs [--keep]  (after `pnpm build`; --keep leaves the temp dir)
import { spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixtures = join(root, "scripts", "tarball-check");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "switchboard-tarballs-"));
const started = Date.now();
const problems = [];

function step(title) {
  console.log(`\n▸ ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.status !== 0 && !options.allowFailure) {
    process.stderr.write(result.stdout ?? "");
    process.stderr.write(result.stderr ?? "");
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.status} (in ${options.cwd ?? root})`,
    );
  }
  return result;
}

/** Like run(), without blocking: the two projects install, type-check and run side by side. */
function runAsync(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => (stdout += data));
    child.stderr.on("data", (data) => (stderr += data));
    const timer = options.timeout ? setTimeout(() => child.kill(), options.timeout) : undefined;
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      const result = { status, stdout, stderr };
      if (status !== 0 && !options.allowFailure) {
        reject(
          new Error(
            `${command} ${args.join(" ")} exited with ${status} (in ${options.cwd ?? root}):\n${stdout}${stderr}`,
          ),
        );
      } else {
        resolvePromise(result);
      }
    });
  });
}

function pnpmCommand() {
  const execPath = process.env["npm_execpath"];
  if (execPath !== undefined && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ["npx", ["-y", "pnpm@10.34.9"]];
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((entry) => join(dir, String(entry)))
    .filter((path) => statSync(path).isFile());
}

function exportTargets(value) {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return Object.values(value).flatMap(exportTargets);
}

function exportConditions(value) {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...exportConditions(inner)]);
}

const builtins = new Set(["node", "node:"]);
function packageOfSpecifier(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("node:") || builtins.has(specifier))
    return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

// ── 1. Pack and inspect ─────────────────────────────────────────────────────────────────────────
step("pack every package under packages/");
const tarballs = join(work, "tarballs");
mkdirSync(tarballs);
const packed = [];
const packageDirs = readdirSync(join(root, "packages"))
  .sort()
  .map((dir) => join(root, "packages", dir))
  .filter(
    (dir) => existsSync(join(dir, "package.json")) && !readJson(join(dir, "package.json")).private,
  );
const [pnpmBin, pnpmArgs] = pnpmCommand();
for (const result of await Promise.all(
  packageDirs.map((cwd) =>
    runAsync(pnpmBin, [...pnpmArgs, "pack", "--json", "--pack-destination", tarballs], { cwd }),
  ),
)) {
  const { name, version, filename } = JSON.parse(result.stdout.slice(result.stdout.indexOf("{")));
  const source = readJson(join(packageDirs[packed.length], "package.json"));
  packed.push({ name, version, tarball: filename, sourceExports: source.exports });
  console.log(`  ${name}@${version} → ${filename}`);
}

step("inspect each tarball");
// Lockstep: every published package is in the changesets "fixed" group, at one version.
const fixedGroup = readJson(join(root, ".changeset", "config.json")).fixed?.[0] ?? [];
for (const pkg of packed) {
  if (!fixedGroup.includes(pkg.name))
    problems.push(`${pkg.name} is not in .changeset/config.json's "fixed" group`);
}
if (new Set(packed.map((pkg) => pkg.version)).size > 1) {
  problems.push(
    `the packages' versions differ: ${packed.map((pkg) => `${pkg.name}@${pkg.version}`).join(", ")}`,
  );
}
for (const pkg of packed) {
  const into = join(work, "inspect", pkg.name.replace("/", "+"));
  mkdirSync(into, { recursive: true });
  run("tar", ["-xzf", pkg.tarball, "-C", into]);
  const dir = join(into, "package");
  const manifest = readJson(join(dir, "package.json"));
  const say = (problem) => problems.push(`${pkg.name}: ${problem}`);

  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) say(`${field}.${name} is still "${range}"`);
    }
  }
  if (manifest.exports === undefined) say("has no exports map");
  if (manifest.exports?.["./package.json"] !== "./package.json")
    say('has no "./package.json" export');
  // publishConfig.exports replaces exports at pack time: an entry added to one and not the other is lost.
  const packedEntries = Object.keys(manifest.exports ?? {})
    .sort()
    .join(", ");
  const sourceEntries = Object.keys(pkg.sourceExports ?? {})
    .sort()
    .join(", ");
  if (packedEntries !== sourceEntries) {
    say(
      `the tarball exports [${packedEntries}] but the workspace exports [${sourceEntries}]: update publishConfig.exports`,
    );
  }
  for (const condition of exportConditions(manifest.exports)) {
    if (condition.startsWith("@switchboard/"))
      say(`exports still has the "${condition}" condition`);
  }
  for (const target of exportTargets(manifest.exports)) {
    if (target.includes("*")) continue;
    if (!existsSync(join(dir, target))) say(`export target ${target} is not in the tarball`);
  }
  for (const target of Object.values(
    typeof manifest.bin === "string" ? { bin: manifest.bin } : (manifest.bin ?? {}),
  )) {
    if (!existsSync(join(dir, target))) say(`bin ${target} is not in the tarball`);
  }
  for (const file of ["LICENSE", "README.md"])
    if (!existsSync(join(dir, file))) say(`has no ${file}`);
  for (const field of ["license", "repository", "homepage", "bugs", "keywords", "engines"]) {
    if (manifest[field] === undefined) say(`package.json has no "${field}"`);
  }
  if (manifest.publishConfig?.access !== "public") say('publishConfig.access is not "public"');

  const files = filesUnder(dir);
  const declared = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ]);
  const imported = new Set();
  let mapProblem = false;
  for (const file of files) {
    if (file.endsWith(".map") && !mapProblem) {
      const map = readJson(file);
      for (const source of map.sources ?? []) {
        if (!existsSync(resolve(dirname(file), map.sourceRoot ?? "", source))) {
          say(
            `${relative(dir, file)} points at ${source}, which is not in the tarball (ship sources or no maps)`,
          );
          mapProblem = true;
          break;
        }
      }
    }
    if (file.endsWith(".d.ts")) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
        const name = packageOfSpecifier(match[1]);
        if (name !== undefined && name !== manifest.name) imported.add(name);
      }
    }
  }
  for (const name of imported) {
    if (!declared.has(name))
      say(`its .d.ts imports "${name}", which is neither a dependency nor a peer`);
  }
  if (imported.has("ws") && !Object.keys(manifest.dependencies ?? {}).includes("@types/ws")) {
    say('its .d.ts imports "ws" but @types/ws is not a dependency');
  }
  console.log(
    `  ${pkg.name}: ${files.length} files; .d.ts imports ${[...imported].sort().join(", ") || "nothing"}`,
  );
}
step("publint --strict and arethetypeswrong (ESM-only profile) on each tarball");
const bin = (name) => join(root, "node_modules", ".bin", name);
await Promise.all(
  packed.map(async (pkg) => {
    const [lint, types] = await Promise.all([
      runAsync(bin("publint"), ["run", pkg.tarball, "--strict"], { allowFailure: true }),
      runAsync(bin("attw"), [pkg.tarball, "--profile", "esm-only", "--format", "table-flipped"], {
        allowFailure: true,
      }),
    ]);
    if (lint.status !== 0) problems.push(`publint ${pkg.name}:\n${lint.stdout}${lint.stderr}`);
    if (types.status !== 0) problems.push(`attw ${pkg.name}:\n${types.stdout}${types.stderr}`);
    if (lint.status === 0 && types.status === 0) console.log(`  ${pkg.name}: publint ok, attw ok`);
  }),
);
if (problems.length > 0) fail();

// ── 2. Install into fresh projects and use them ─────────────────────────────────────────────────
const rootManifest = readJson(join(root, "package.json"));
const typescriptVersion = rootManifest.devDependencies.typescript;
const tarballDeps = Object.fromEntries(packed.map((pkg) => [pkg.name, `file:${pkg.tarball}`]));

function makeProject(name, dependencies) {
  const dir = join(work, name);
  cpSync(join(fixtures, name), dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify(
      {
        name: `switchboard-${name}`,
        private: true,
        type: "module",
        dependencies: { ...tarballDeps, ...dependencies },
        devDependencies: {
          typescript: typescriptVersion,
          "@types/node": "^20.19.0",
          "@types/ws": "^8.18.0",
        },
      },
      null,
      2,
    )}\n`,
  );
  return dir;
}

const quiet = { ...process.env, LOG_LEVEL: "warn" };

async function typecheck(dir, log) {
  await Promise.all(
    ["tsconfig.nodenext.json", "tsconfig.bundler.json"].map(async (config) => {
      const tsc = join(dir, "node_modules/typescript/bin/tsc");
      const result = await runAsync(process.execPath, [tsc, "-p", config], {
        cwd: dir,
        allowFailure: true,
      });
      if (result.status !== 0)
        problems.push(`tsc -p ${config} in ${dir} failed:\n${result.stdout}${result.stderr}`);
      else log(`tsc -p ${config} (skipLibCheck false): ok`);
    }),
  );
}

async function runScript(dir, file, expected, log) {
  const result = await runAsync(process.execPath, [join("dist", file)], {
    cwd: dir,
    env: quiet,
    allowFailure: true,
    timeout: 30_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0 || !output.includes(expected)) {
    problems.push(
      `node dist/${file} (exit ${result.status}) did not print ${JSON.stringify(expected)}:\n${output}`,
    );
  } else {
    log(`node dist/${file}: ${result.stdout.trim().split("\n").join(" | ")}`);
  }
}

function logger(title) {
  const lines = [];
  const log = (line) => lines.push(`  ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  log.print = () => console.log(`\n▸ ${title}\n${lines.join("\n")}`);
  return log;
}

async function project1() {
  const log = logger("project 1: zod 4, rxjs 7, openai 6, ws");
  const dir = makeProject("consumer", {
    zod: "^4.1.0",
    rxjs: "^7.8.0",
    openai: "^6.0.0",
    ws: "^8.18.0",
  });
  // The README's first route, verbatim: the first ts block under "## Your first route".
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const firstRoute = /## Your first route[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  if (firstRoute === undefined)
    throw new Error('README.md has no ts block under "## Your first route"');
  writeFileSync(join(dir, "src", "readme-first-route.ts"), firstRoute);
  await runAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  log("npm install: ok");
  await typecheck(dir, log);
  if (problems.length > 0) return log;
  await runScript(dir, "readme-first-route.js", "You said: hello.", log);
  await runScript(dir, "server-turn.js", "server turn: ok", log);
  await runScript(dir, "tools-and-clients.js", "user's rxjs operator: ok", log);
  await runScript(dir, "line-port.js", "line port: ok", log);

  // CommonJS: require() of an ES module works on Node >= 20.19 (and 22.12); older Nodes refuse it
  // with ERR_REQUIRE_ESM, which names the fix (use import()).
  for (const pkg of packed) {
    const result = await runAsync(
      process.execPath,
      ["-e", `require(${JSON.stringify(pkg.name)})`],
      {
        cwd: dir,
        allowFailure: true,
      },
    );
    if (result.status === 0) log(`require("${pkg.name}"): works`);
    else if (/ERR_REQUIRE_ESM|ERR_REQUIRE_ASYNC_MODULE/.test(result.stderr)) {
      log(`require("${pkg.name}"): refused clearly (${/ERR_[A-Z_]+/.exec(result.stderr)?.[0]})`);
    } else problems.push(`require("${pkg.name}") failed unclearly:\n${result.stderr}`);
  }

  // Version skew: a second core nested under openai must be refused at load, by name.
  const nested = join(dir, "node_modules", "@switchboard", "openai", "node_modules");
  cpSync(join(dir, "node_modules", "@switchboard", "core"), join(nested, "@switchboard", "core"), {
    recursive: true,
  });
  const result = await runAsync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      'await import("@switchboard/core"); await import("@switchboard/openai");',
    ],
    { cwd: dir, allowFailure: true },
  );
  rmSync(nested, { recursive: true });
  const refusal = /two copies of @switchboard\/core are loaded \(file:[^\n]*/.exec(
    result.stderr,
  )?.[0];
  if (result.status === 0 || refusal === undefined) {
    problems.push(
      `a second copy of core was not refused clearly (exit ${result.status}):\n${result.stderr}`,
    );
  } else log(`a second copy of core: refused ("${refusal.slice(0, 100)}…")`);
  return log;
}

async function project2() {
  const log = logger(
    "project 2: zod 3.25 (tools through zod/v4), openai 7 (types only: it needs Node 22)",
  );
  const dir = makeProject("zod3", { zod: "~3.25.0", rxjs: "^7.5.0", openai: "^7.0.0" });
  await runAsync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir });
  log("npm install: ok");
  await typecheck(dir, log);
  if (problems.length > 0) return log;
  await runScript(dir, "zod3-tools.js", "zod 3 classic schema refused: ok", log);
  return log;
}

step("install the tarballs into two fresh projects, type-check, run");
for (const log of await Promise.all([project1(), project2()])) log.print();

if (problems.length > 0) fail();
console.log(
  `\n✔ the packed packages work in a fresh project (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
if (!keep) rmSync(work, { recursive: true, force: true });
else console.log(`  kept ${work}`);

function fail() {
  console.error(`\n✘ ${problems.length} problem(s) with the published packages:`);
  for (const problem of problems) console.error(`  - ${problem}`);
  console.error(`  (work dir kept: ${work})`);
  process.exit(1);
}
