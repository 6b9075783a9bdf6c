import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { from, type OperatorFunction } from "rxjs";
import { AgentResponse } from "../../events.js";
import { bufferSentences } from "../buffer-sentences.js";
import { randomSplit, seededRandom } from "./seeded-splits.js";

/**
 * The peers' sentence-boundary test sets (Pipecat, LiveKit, sbd, sentencex), kept beside the
 * clone in `../shared/chunking-vectors` (provenance in its NOTICE.md) and never copied here.
 */
const VECTORS_DIR = fileURLToPath(
  new URL("../../../../../../shared/chunking-vectors/", import.meta.url),
);

/** One case: a text, its language, and the sentences a peer expects from it. */
interface ChunkingCase {
  readonly set: string;
  readonly id: string;
  readonly lang: string;
  readonly text: string;
  readonly expected: readonly string[];
  /** The peer's own tokens, streamed as one more split. */
  readonly tokens?: readonly string[];
  /** Extra abbreviations the peer's test passes as an option. */
  readonly abbreviations?: readonly string[];
  /** A peer's policy that differs from the default ("semicolon-ends-sentence"). */
  readonly policy?: string;
}

interface JsonCase {
  id: string;
  lang: string;
  text: string;
  expected: string[];
  tokens?: string[];
  policy?: string;
  options?: { abbreviations?: string[] };
}

function loadJson(set: string): ChunkingCase[] {
  const file = JSON.parse(readFileSync(`${VECTORS_DIR}${set}.json`, "utf8")) as {
    cases: JsonCase[];
  };
  return file.cases.map((c) => ({
    set,
    id: c.id,
    lang: c.lang,
    text: c.text,
    expected: c.expected,
    ...(c.tokens === undefined ? {} : { tokens: c.tokens }),
    ...(c.policy === undefined ? {} : { policy: c.policy }),
    ...(c.options?.abbreviations === undefined ? {} : { abbreviations: c.options.abbreviations }),
  }));
}

/**
 * sentencex's `tests/*.txt`: cases end at a `===` line; input and expected lines are separated by
 * `---`; `#` lines are comments (commented-out cases too); its harness trims the case block, and `\n` in an
 * expected line is a newline.
 */
function loadSentencex(): ChunkingCase[] {
  const dir = `${VECTORS_DIR}sentencex/`;
  const cases: ChunkingCase[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(".txt")) continue;
    const lang = name === "lists.txt" ? "en" : name.slice(0, -4);
    const blocks = readFileSync(dir + name, "utf8").split(/^===[ \t]*$/mu);
    blocks.forEach((block, index) => {
      const lines = block.split("\n").filter((line) => !line.startsWith("#"));
      while (lines.length > 0 && (lines[0] ?? "").trim() === "") lines.shift();
      const separator = lines.indexOf("---");
      if (separator < 0) return;
      cases.push({
        set: "sentencex",
        id: `${name}#${index + 1}`,
        lang,
        text: lines.slice(0, separator).join("\n").trim(),
        expected: lines
          .slice(separator + 1)
          .map((line) => line.replaceAll("\\n", "\n").trim())
          .filter((line) => line !== ""),
      });
    });
  }
  return cases;
}

/** Every case of one set: "pipecat", "livekit", "sbd" or "sentencex". */
function loadSet(set: string): ChunkingCase[] {
  if (!existsSync(VECTORS_DIR)) {
    throw new Error(
      `the peers' chunking vectors are missing: expected ${VECTORS_DIR} (../shared/chunking-vectors beside the repository)`,
    );
  }
  return set === "sentencex" ? loadSentencex() : loadJson(set);
}

export const SETS = ["pipecat", "livekit", "sbd", "sentencex"] as const;

/** Word-and-punctuation pieces with their leading space, as a GPT-2-style pre-tokeniser cuts. */
const BPE = / ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** The ways a case is streamed: whole, one character at a time, BPE-like, seeded 1–6 pieces. */
function splitsOf(text: string, tokens?: readonly string[], randomRuns = 3): string[][] {
  const splits = [[text], [...text], text.match(BPE) ?? []];
  if (tokens !== undefined) splits.push([...tokens]);
  const random = seededRandom(text.length + 17);
  for (let run = 0; run < randomRuns; run += 1) splits.push(randomSplit(text, random, 6));
  return splits;
}

/** The chunks an operator emits for `pieces`, synchronously. */
export function streamThrough(
  operator: OperatorFunction<string, unknown>,
  pieces: readonly string[],
): string[] {
  const out: string[] = [];
  from(pieces)
    .pipe(operator)
    .subscribe((value) => {
      if (value instanceof AgentResponse) out.push(value.content);
    });
  return out;
}

/** Peers trim sentences and some collapse whitespace; compare on that. */
function normalise(sentences: readonly string[]): string[] {
  return sentences.map((s) => s.replace(/\s+/gu, " ").trim()).filter((s) => s !== "");
}

/** What went wrong for one case (the first failing split), or undefined when it passed. */
interface CaseFailure {
  readonly case: ChunkingCase;
  readonly pieces: readonly string[];
  readonly actual: readonly string[];
  readonly lossy: boolean;
  /** The chunks end somewhere the peer's sentences do not: a sentence cut in two. */
  readonly falseSplit: boolean;
}

/** Sentence ends as counts of the non-space characters before them, so spacing never matters. */
function ends(sentences: readonly string[]): Set<number> {
  const found = new Set<number>();
  let count = 0;
  for (const sentence of sentences) {
    count += sentence.replace(/\s+/gu, "").length;
    found.add(count);
  }
  return found;
}

/** The operator a case is scored with: `bufferSentences` in the case's language. */
export type OperatorFor = (c: ChunkingCase) => OperatorFunction<string, unknown>;

/** The options a peer's policy maps to: semicolons end sentences with `terminators`. */
const POLICIES: Readonly<Record<string, { terminators?: string }>> = {
  "semicolon-ends-sentence": { terminators: ";；؛" },
};

/**
 * `bufferSentences` in the case's language, with the abbreviations its test passes and the option
 * its policy maps to (a case marked with a policy is scored with that option turned on).
 */
const sentencesFor: OperatorFor = (c) =>
  c.policy === undefined
    ? defaultsFor(c)
    : bufferSentences<string>({
        locale: c.lang,
        ...(c.abbreviations === undefined ? {} : { abbreviations: c.abbreviations }),
        ...POLICIES[c.policy],
      });

/** `bufferSentences` at default settings: the case's language and abbreviations, no policy. */
export const defaultsFor: OperatorFor = (c) =>
  bufferSentences<string>({
    locale: c.lang,
    ...(c.abbreviations === undefined ? {} : { abbreviations: c.abbreviations }),
  });

/**
 * Runs a case over every split: passes only if every split gives the expected sentences. A lossy
 * split is reported before any other failure.
 */
function scoreCase(
  c: ChunkingCase,
  operatorFor: OperatorFor = sentencesFor,
  randomRuns = 3,
): CaseFailure | undefined {
  const expected = JSON.stringify(normalise(c.expected));
  const expectedEnds = ends(c.expected);
  let failure: CaseFailure | undefined;
  for (const pieces of splitsOf(c.text, c.tokens, randomRuns)) {
    const actual = streamThrough(operatorFor(c), pieces);
    // Only whitespace after the last chunk may go (it has nothing to join).
    const lossy = actual.join("") !== c.text.trimEnd() && actual.join("") !== c.text;
    if (lossy) return { case: c, pieces, actual, lossy, falseSplit: false };
    if (failure === undefined && JSON.stringify(normalise(actual)) !== expected) {
      const falseSplit = [...ends(actual)].some((end) => !expectedEnds.has(end));
      failure = { case: c, pieces, actual, lossy, falseSplit };
    }
  }
  return failure;
}

/** One set's result: cases passed out of all, and the failures. */
export interface SetScore {
  readonly set: string;
  readonly passed: number;
  readonly total: number;
  readonly rate: number;
  /** Cases failed by a false split (rather than a missed one). */
  readonly falseSplits: number;
  readonly failures: readonly CaseFailure[];
}

export function scoreSet(
  set: string,
  operatorFor: OperatorFor = sentencesFor,
  randomRuns = 3,
): SetScore {
  const cases = loadSet(set);
  const failures: CaseFailure[] = [];
  for (const c of cases) {
    const failure = scoreCase(c, operatorFor, randomRuns);
    if (failure !== undefined) failures.push(failure);
  }
  const total = cases.length;
  const passed = total - failures.length;
  const falseSplits = failures.filter((f) => f.falseSplit).length;
  return { set, passed, total, rate: total === 0 ? 1 : passed / total, falseSplits, failures };
}
