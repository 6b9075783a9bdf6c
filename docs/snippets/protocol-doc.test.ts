import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  INPUT_FRAME_TYPES,
  OUTPUT_FRAME_TYPES,
  inputFrameSchemas,
  outputFrameSchemas,
  validateFrame,
} from "@switchboard/protocol";
import { describe, expect, it } from "vitest";

/**
 * docs/protocol.md is the protocol's spec: it documents every frame type of the schemas (a
 * `### \`type\`` section under "Input frames" or "Output frames"), and its JSON examples, marked
 * `<!-- frame: input | output | invalid-input | invalid-output -->`, validate (or fail) as marked.
 */
const page = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), "..", "protocol.md"),
  "utf8",
);

type Kind = "input" | "output" | "invalid-input" | "invalid-output";
interface Example {
  kind: Kind;
  line: number;
  json: string;
}

function sections(): { input: string[]; output: string[] } {
  const found = { input: [] as string[], output: [] as string[] };
  let current: keyof typeof found | undefined;
  for (const line of page.split("\n")) {
    if (line.startsWith("## ")) {
      current = line.startsWith("## Input frames")
        ? "input"
        : line.startsWith("## Output frames")
          ? "output"
          : undefined;
    }
    const heading = /^### `([a-z_]+)`$/.exec(line);
    if (heading?.[1] !== undefined && current !== undefined) found[current].push(heading[1]);
  }
  return found;
}

function examples(): Example[] {
  const lines = page.split("\n");
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- frame: (input|output|invalid-input|invalid-output) -->$/.exec(
      lines[i] ?? "",
    );
    if (marker === null) continue;
    let open = i + 1;
    while ((lines[open] ?? "").trim() === "") open++;
    expect(lines[open], `line ${i + 1}: a frame marker must precede a json block`).toBe("```json");
    const close = lines.findIndex((line, k) => k > open && line === "```");
    found.push({
      kind: marker[1] as Kind,
      line: open + 1,
      json: lines.slice(open + 1, close).join("\n"),
    });
    i = close;
  }
  return found;
}

describe("docs/protocol.md", () => {
  it("documents every input frame type, and only those", () => {
    expect(sections().input).toEqual([...INPUT_FRAME_TYPES]);
  });

  it("documents every output frame type, and only those", () => {
    expect(sections().output).toEqual([...OUTPUT_FRAME_TYPES]);
  });

  it("marks every JSON block as a frame example", () => {
    const jsonBlocks = page.split("\n").filter((line) => line === "```json").length;
    expect(examples().length).toBe(jsonBlocks);
  });

  it("has a valid example of every frame type", () => {
    const shown = (kind: Kind) =>
      new Set(
        examples()
          .filter((e) => e.kind === kind)
          .map((e) => (JSON.parse(e.json) as { type: string }).type),
      );
    expect(shown("input")).toEqual(new Set(INPUT_FRAME_TYPES));
    expect(shown("output")).toEqual(new Set(OUTPUT_FRAME_TYPES));
  });

  it.each(examples().map((e) => [`${e.kind} example at line ${e.line}`, e] as const))(
    "%s validates as marked",
    (_name, example) => {
      const schemas = example.kind.endsWith("input") ? inputFrameSchemas : outputFrameSchemas;
      const result = validateFrame(JSON.parse(example.json), schemas);
      if (example.kind.startsWith("invalid")) expect(result.ok).toBe(false);
      else expect(result).toEqual({ ok: true, frame: JSON.parse(example.json) });
    },
  );
});
