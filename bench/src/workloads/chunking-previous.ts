/**
 * The sentence splitter `bufferSentences` used before issue #16 (commit b49a924), kept as the
 * chunking workload's baseline: `Intl.Segmenter` re-run over the whole held text on every chunk,
 * minus boundaries after abbreviations, a boundary going out once a letter follows it.
 */

const TITLES = new Set([
  "mr.",
  "mrs.",
  "ms.",
  "mx.",
  "dr.",
  "prof.",
  "st.",
  "mt.",
  "sr.",
  "rev.",
  "hon.",
  "gen.",
  "col.",
  "capt.",
  "lt.",
  "sgt.",
  "cmdr.",
  "adm.",
  "gov.",
  "sen.",
  "rep.",
  "pres.",
  "vs.",
  "v.",
  "e.g.",
  "i.e.",
  "cf.",
  "viz.",
  "approx.",
  "dept.",
  "univ.",
  "ave.",
  "blvd.",
  "z.",
  "z.b.",
  "d.h.",
  "u.a.",
  "bzw.",
  "ca.",
  "hr.",
  "hrn.",
  "fr.",
  "dipl.",
  "ing.",
  "evtl.",
  "ggf.",
  "vgl.",
  "sog.",
  "sra.",
  "srta.",
  "dra.",
  "ud.",
  "uds.",
  "lic.",
  "arq.",
  "sto.",
  "sta.",
  "mme.",
  "mlle.",
  "p.ex.",
]);

const BEFORE_NUMBERS = new Set([
  "no.",
  "nos.",
  "nr.",
  "núm.",
  "art.",
  "p.",
  "pp.",
  "vol.",
  "ch.",
  "fig.",
  "op.",
  "tel.",
]);

const OPENERS = /^[("'“‘«¿¡[{]+/u;
const SETTLED = /\p{L}/u;

function isFalseBoundary(before: string, after: string): boolean {
  const token = /\S+$/u.exec(before.trimEnd())?.[0].replace(OPENERS, "");
  if (token === undefined || !token.endsWith(".")) return false;
  const word = token.toLowerCase();
  if (TITLES.has(word)) return true;
  if (/^\p{Lu}\.$/u.test(token)) return true;
  if (BEFORE_NUMBERS.has(word)) return /^\p{N}/u.test(after.trimStart());
  return false;
}

/** A chunk and how many input characters had arrived when it went out. */
export interface TimedChunk {
  text: string;
  at: number;
}

/** Feeds text pieces through the previous splitter; returns the chunks it emits, in order. */
export function previousSentences(pieces: readonly string[]): TimedChunk[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
  const out: TimedChunk[] = [];
  let buffer = "";
  let arrived = 0;
  const drain = (final: boolean): void => {
    let start = 0;
    for (const { index } of segmenter.segment(buffer)) {
      if (index === 0) continue;
      const after = buffer.slice(index);
      if (!final && !SETTLED.test(after)) break;
      if (isFalseBoundary(buffer.slice(start, index), after)) continue;
      out.push({ text: buffer.slice(start, index), at: arrived });
      start = index;
    }
    if (final && start < buffer.length) out.push({ text: buffer.slice(start), at: arrived });
    buffer = final ? "" : buffer.slice(start);
  };
  for (const piece of pieces) {
    buffer += piece;
    arrived += piece.length;
    drain(false);
  }
  drain(true);
  return out;
}
