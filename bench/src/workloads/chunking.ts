import { Subject } from "rxjs";
import { bufferPhrases, bufferSentences, type AgentResponse } from "@switchboard/core";
import type { RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { median, ms, now, perSecond } from "../lib/stats.js";
import { previousSentences, type TimedChunk } from "./chunking-previous.js";

/**
 * LLM-style answer text: abbreviations, numbers, times, lists (inline ones too), quotes (single
 * ones too), citations, a semicolon before a capital, other languages.
 * Repeated to the corpus size; the boundaries it holds are what TTS would be fed.
 */
const PARAGRAPH = [
  "Sure! Here is what I found. Dr. Smith paid $3.50 at 9 a.m. on Monday, e.g. for the parking.",
  ' He said "Stop!" and ran. The U.S. Army base opens at 5 p.m. Then we can go in.',
  " Here are the steps:\n1. Book the room.\n2. Invite the team (about 12 people).\n3. Send the agenda.",
  " The study by Chalana et al. (2012) found a 3.2% rise, i.e. more than expected.[1] Is that",
  " enough? I think so... Maybe not. At 6 a.m. Mr. Jones arrived; nobody else was there.",
  " Wir treffen uns am 3. Oktober um 10 Uhr, z. B. im Büro. ¿Vienes mañana? ¡Claro que sí!",
  " 你好。我很好！你呢？ The total is 1,250.75 EUR. Let me know if you need anything else.",
  " She said, 'Check the logs. Then restart it.' It's fine; Then we wait.",
  " 1) Restart the server 2) Clear the cache • Call me if it fails.",
].join("");

/** Word-and-punctuation pieces with their leading space, as LLM tokens arrive. */
const TOKENS = / ?\p{L}+| ?\p{N}{1,3}| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** Streams `pieces` through a fresh operator; returns the chunks with when each went out. */
function current(pieces: readonly string[], phrases = false): TimedChunk[] {
  const input = new Subject<string>();
  const out: TimedChunk[] = [];
  let arrived = 0;
  input
    .pipe(phrases ? bufferPhrases<string>() : bufferSentences<string>())
    .subscribe((chunk: AgentResponse) => out.push({ text: chunk.content, at: arrived }));
  for (const piece of pieces) {
    arrived += piece.length;
    input.next(piece);
  }
  input.complete();
  return out;
}

type Splitter = (pieces: readonly string[]) => TimedChunk[];

/** Characters per second of `split` over `pieces`: the median of `rounds` timed runs. */
function rate(split: Splitter, pieces: readonly string[], chars: number, rounds: number): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = now();
    split(pieces);
    rates.push(perSecond(chars, now() - started));
  }
  return median(rates);
}

/** Milliseconds to stream `pieces` (a text without a boundary): the best of `rounds`. */
function longRun(split: Splitter, pieces: readonly string[], rounds: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const started = now();
    split(pieces);
    best = Math.min(best, ms(now() - started));
  }
  return best;
}

/**
 * Hold-back: for each chunk that ends a sentence (all but the last), how many characters past
 * the sentence's last visible character had arrived when it went out, streaming a character at a
 * time. Returns the median and the 95th percentile.
 */
function holdBack(chunks: readonly TimedChunk[]): { p50: number; p95: number } {
  const waits: number[] = [];
  let offset = 0;
  chunks.forEach((chunk, i) => {
    const end = offset + chunk.text.trimEnd().length;
    offset += chunk.text.length;
    if (i < chunks.length - 1) waits.push(chunk.at - end);
  });
  waits.sort((a, b) => a - b);
  const rank = (p: number) => waits[Math.min(waits.length - 1, Math.ceil(p * waits.length) - 1)]!;
  return { p50: rank(0.5), p95: rank(0.95) };
}

/** Texts the two splits disagree on, and texts a split loses characters of. */
function invariants(text: string): { lossy: number; unstable: number } {
  const whole = current([text]).map((c) => c.text);
  const byChar = current([...text]).map((c) => c.text);
  const byToken = current(text.match(TOKENS) ?? []).map((c) => c.text);
  const phrases = current(text.match(TOKENS) ?? [], true).map((c) => c.text);
  const lossy = [whole, byChar, byToken, phrases].filter((c) => c.join("") !== text).length;
  const unstable = [byChar, byToken].filter(
    (c) => JSON.stringify(c) !== JSON.stringify(whole),
  ).length;
  return { lossy, unstable };
}

export const chunking: Workload = {
  name: "chunking",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const size = quick ? 40_000 : 200_000;
    const rounds = quick ? 3 : 5;
    const text = PARAGRAPH.repeat(Math.ceil(size / PARAGRAPH.length)).slice(0, size);
    const tokens = text.match(TOKENS) ?? [];
    const sentences: Splitter = (pieces) => current(pieces);
    const phrases: Splitter = (pieces) => current(pieces, true);
    for (let i = 0; i < 2; i++) {
      sentences(tokens);
      previousSentences(tokens);
    }
    // 20,000 characters without a sentence end, as tokens: the case that was quadratic.
    const plain = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
      .repeat(300)
      .slice(0, 20_000);
    const plainTokens = plain.match(TOKENS) ?? [];
    const sample = PARAGRAPH.repeat(4);
    const held = holdBack(current([...sample]));
    const heldBefore = holdBack(previousSentences([...sample]));
    const checks = invariants(PARAGRAPH.repeat(3));
    await Promise.resolve();
    return {
      workload: "chunking",
      description:
        "bufferSentences / bufferPhrases over LLM-style text as tokens; baseline: the previous (Intl.Segmenter) bufferSentences",
      params: { characters: size, tokens: tokens.length, rounds },
      metrics: [
        {
          name: "bufferSentences throughput",
          unit: "chars/s",
          value: rate(sentences, tokens, text.length, rounds),
          baseline: rate(previousSentences, tokens, text.length, Math.min(rounds, 3)),
          better: "higher",
        },
        {
          name: "bufferPhrases throughput",
          unit: "chars/s",
          value: rate(phrases, tokens, text.length, rounds),
          better: "higher",
        },
        {
          name: "20k chars without a boundary",
          unit: "ms",
          value: longRun(sentences, plainTokens, rounds),
          baseline: longRun(previousSentences, plainTokens, quick ? 1 : 3),
          better: "lower",
          target: { op: "<=", value: 10 },
        },
        {
          name: "hold-back p50 (char at a time)",
          unit: "chars",
          value: held.p50,
          baseline: heldBefore.p50,
          better: "lower",
          target: { op: "<=", value: 2 },
        },
        {
          name: "hold-back p95 (char at a time)",
          unit: "chars",
          value: held.p95,
          baseline: heldBefore.p95,
          better: "lower",
        },
      ],
      invariants: [
        { name: "lossy runs", value: checks.lossy },
        { name: "split-dependent results", value: checks.unstable },
      ],
      notes: [
        `throughput is the median of ${rounds} runs over ${size} characters in ${tokens.length} tokens`,
        "hold-back: characters that had arrived past a sentence's last visible character when it went out",
      ],
    };
  },
};
