/**
 * Abbreviations that never end a sentence: a period after them is not a boundary even when a
 * capitalised word follows ("Dr. Smith", "e.g. John", "Sr. García"). Lower case, with the dot.
 *
 * Abbreviations that often do end a sentence ("etc.", "a.m.", "U.S.", "Inc.") are deliberately
 * not here: the sentence scanner keeps them when a lower-case word follows ("the U.S. economy"),
 * reads the next word for acronyms and times ("U.S. Army", "5 p.m. Saturday") and otherwise
 * ends the sentence before a capital ("… at 5 p.m. Then …"), which is the better guess.
 */
const ENGLISH = [
  "mr.",
  "mrs.",
  "ms.",
  "mx.",
  "dr.",
  "prof.",
  "st.",
  "mt.",
  "sr.",
  "jr.",
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
  "supt.",
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
  "al.",
  "messrs.",
];

/**
 * Abbreviations of other languages, by the language subtag of a BCP 47 locale. With a locale only
 * English and that language apply; without one, all do (a wrong "no boundary" costs less than a
 * sentence cut in two).
 */
const BY_LANGUAGE: Readonly<Record<string, readonly string[]>> = {
  de: [
    "z.",
    "z.b.",
    "d.h.",
    "u.a.",
    "u.",
    "ä.",
    "usw.",
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
    "med.",
    "kath.",
    "ev.",
    "str.",
    "inkl.",
    "zzgl.",
    "geb.",
    "gest.",
    "bzgl.",
    "abs.",
    "hl.",
    "jh.",
    "jhd.",
    "mio.",
    "mrd.",
    "allg.",
    "gegr.",
  ],
  es: ["sra.", "srta.", "dra.", "ud.", "uds.", "lic.", "arq.", "sto.", "sta.", "pág.", "aprox."],
  fr: ["mme.", "mlle.", "p.ex.", "mgr.", "env."],
  it: [
    "sig.",
    "sigg.",
    "sig.ra",
    "dott.",
    "dott.ssa",
    "ing.",
    "avv.",
    "arch.",
    "geom.",
    "rag.",
    "on.",
    "dir.",
    "amm.",
    "psicol.",
    "gent.",
    "egr.",
    "es.",
    "ecc.",
    "pag.",
    "sez.",
    "mar.",
    "gen.",
    "nov.",
    "dic.",
    "ott.",
    "sett.",
    "apr.",
    "giu.",
    "lug.",
    "ago.",
    "feb.",
    "gen.",
  ],
  pt: ["sra.", "srta.", "dra.", "exmo.", "exma.", "pág.", "aprox."],
  nl: ["dhr.", "mevr.", "mw.", "bijv.", "ca.", "enz.", "o.a.", "m.b.t."],
  pl: ["np.", "pkt.", "tzw.", "itd.", "itp.", "ul.", "prof.", "dr.", "mgr.", "inż."],
  ru: [
    "г.",
    "гг.",
    "ул.",
    "пгт.",
    "проф.",
    "акад.",
    "доц.",
    "им.",
    "др.",
    "пр.",
    "т.е.",
    "т.д.",
    "т.п.",
    "см.",
    "стр.",
    "рис.",
    "табл.",
    "тыс.",
    "млн.",
    "млрд.",
    "руб.",
    "коп.",
    "ок.",
    "напр.",
    "д.",
    "с.",
    "пер.",
    "кв.",
    "обл.",
    "р.",
    "св.",
    "тов.",
    "гр.",
  ],
  uk: ["г.", "вул.", "проф.", "акад.", "ім.", "див.", "рис.", "табл.", "тис.", "млн.", "грн."],
};

/** Abbreviations that are only abbreviations before a number: "No. 5", "Nr. 3", "p. 12". */
const BEFORE_NUMBERS = [
  "no.",
  "n°.",
  "nº.",
  "jan.",
  "feb.",
  "mar.",
  "apr.",
  "jun.",
  "jul.",
  "aug.",
  "sep.",
  "sept.",
  "oct.",
  "nov.",
  "dec.",
  "del.",
  "sec.",
  "para.",
  "ex.",
  "page.",
  "pg.",
  "ft.",
  "in.",
  "lb.",
  "lbs.",
  "oz.",
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
  /**
   * BCP 47 locale of the text, e.g. "de" or "it-IT": picks that language's abbreviations (English
   * ones always apply; without a locale every table does), and German also reads "am 3. Oktober"
   * as an ordinal, Russian "Л.Н. Толстой" as initials.
   */
  readonly locale?: string;
}

/** The abbreviation tables one operator uses, chosen by its options. */
export interface AbbreviationTables {
  /** Lower-case abbreviations with their dot that never end a sentence before a name. */
  readonly titles: ReadonlySet<string>;
  /** Lower-case abbreviations that are abbreviations only before a number ("No. 5"). */
  readonly beforeNumbers: ReadonlySet<string>;
  /** The language subtag of the locale ("de", "en", …), or undefined when none was given. */
  readonly language: string | undefined;
}

/**
 * Picks the tables for `options`: English always, the locale's language when given, all otherwise.
 * @example createAbbreviationTables({ locale: "it" }).titles.has("dott.") // true
 */
export function createAbbreviationTables(options: AbbreviationOptions = {}): AbbreviationTables {
  const language = options.locale?.toLowerCase().split(/[-_]/u)[0];
  const titles = new Set(ENGLISH);
  const languages = language === undefined ? Object.keys(BY_LANGUAGE) : [language];
  for (const name of languages) for (const word of BY_LANGUAGE[name] ?? []) titles.add(word);
  for (const extra of options.abbreviations ?? []) {
    const word = extra.toLowerCase().trim();
    titles.add(word.endsWith(".") ? word : `${word}.`);
  }
  return { titles, beforeNumbers: new Set(BEFORE_NUMBERS), language };
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
 * Builds the abbreviation check used by {@link bufferSize}'s "ends a sentence" test.
 * @example createAbbreviationGuard().isFalseBoundary("Dr. ", "Smith") // true
 */
export function createAbbreviationGuard(options: AbbreviationOptions = {}): AbbreviationGuard {
  const { titles, beforeNumbers, language } = createAbbreviationTables(options);
  const ordinals = language === "de";
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
