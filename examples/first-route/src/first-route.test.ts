import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runFirstRoute } from "./first-route.js";

describe("the README's first route", () => {
  it("answers a turn and stops mid-answer when the user talks over it", async () => {
    const [spoken, history] = await runFirstRoute();
    expect(spoken).toMatch(/^You said: hello there\.You said: /);
    expect(spoken).not.toContain("long story.");
    expect(history).toContain('"interrupted":true');
  });
});

describe("the README's route example", () => {
  const here = fileURLToPath(new URL(".", import.meta.url));
  const source = readFileSync(`${here}/readme-example.ts`, "utf8");

  it("is the code in README.md, verbatim", () => {
    const readme = readFileSync(`${here}/../../../README.md`, "utf8");
    expect(readme).toContain(source.trim());
  });

  it("runs as written and speaks the answer", async () => {
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "--conditions=@switchboard/source", `${here}/readme-example.ts`],
      { cwd: `${here}/..`, env: { ...process.env, LOG_LEVEL: "silent" } },
    );
    expect(stdout).toBe("You said: hello.");
  });
});
