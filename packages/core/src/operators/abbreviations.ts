/**
 * Abbreviations that never end a sentence: a period after them is not a boundary even when a
 * capitalised word follows ("Dr. Smith", "e.g. John", "Sr. García"). Lower case, with the dot.
 *
 * Abbreviations that often do end a sentence ("etc.", "a.m.", "U.S.", "Inc.") are deliberately
 * not here: `Intl.Segmenter` already keeps them when a lower-case word follows ("the U.S.
 * economy") and splits before a capital ("… at 5 p.m. Then …"), which is the better guess.
 */
const TITLES = [
  // English
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
  // German
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
  // Spanish
  "sra.",
  "srta.",
  "dra.",
  "ud.",
  "uds.",
  "lic.",
  "arq.",
  "sto.",
  "sta.",
  // French
  "mme.",
  "mlle.",
  "p.ex.",
];

/** Abbreviations that are only abbreviations before a number: "No. 5", "Nr. 3", "p. 12". */
const BEFORE_NUMBERS = [
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
];

/** Opening punctuation that may stand before an abbreviation: `("Dr.`. */
const OPENERS = /^[("'“‘«¿¡[{]+/u;

/**
 * Options that tune abbreviation handling, shared by {@link bufferSentences} and {@link bufferPhrases}.
 * @example bufferSentences({ abbreviations: ["Rt.", "Hon."], locale: "en-GB" })
 */
export interface AbbreviationOptions {
  /** Extra abbreviations that never end a sentence, e.g. `["Hon.", "Rt."]` (case-insensitive). */
  readonly abbreviations?: Iterable<string>;
  /** BCP 47 locale; German ("de…") also reads "am 3. Oktober" as an ordinal, not a sentence end. */
  readonly locale?: string;
}

/**
 * Decides whether a sentence boundary right after an abbreviation is a false one.
 * @example createAbbreviationGuard().isFalseBoundary("Call Dr. ", "Smith") // true
 */
export interface AbbreviationGuard {
  /** True when `before` ends with an abbreviation, so the boundary before `after` is not real. */
  isFalseBoundary(before: string, after: string): boolean;
}

/**
 * Builds the abbreviation check used by the sentence and phrase operators.
 * @example createAbbreviationGuard().isFalseBoundary("Dr. ", "Smith") // true
 */
export function createAbbreviationGuard(options: AbbreviationOptions = {}): AbbreviationGuard {
  const titles = new Set(TITLES);
  for (const extra of options.abbreviations ?? []) {
    const word = extra.toLowerCase().trim();
    titles.add(word.endsWith(".") ? word : `${word}.`);
  }
  const beforeNumbers = new Set(BEFORE_NUMBERS);
  const ordinals = options.locale?.toLowerCase().startsWith("de") === true;
  return {
    isFalseBoundary(before, after) {
      const token = /\S+$/u.exec(before.trimEnd())?.[0].replace(OPENERS, "");
      if (token === undefined || !token.endsWith(".")) return false;
      const word = token.toLowerCase();
      if (titles.has(word)) return true;
      // An initial: "John F. Kennedy", "M. Dupont" (lower case would be "14 h. Merci").
      if (/^\p{Lu}\.$/u.test(token)) return true;
      const next = after.trimStart();
      if (beforeNumbers.has(word)) return /^\p{N}/u.test(next);
      if (ordinals && /^\d+\.$/u.test(token)) return /^\p{L}/u.test(next);
      return false;
    },
  };
}
