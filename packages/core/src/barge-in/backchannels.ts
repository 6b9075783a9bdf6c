/** A language with a built-in backchannel list. */
export type BackchannelLanguage = "en" | "es" | "de" | "fr";

/**
 * Built-in backchannels per language: what listeners say to show they follow, not to take the
 * turn. Matching ignores case, accents, punctuation and stretched letters ("Mmm-hmm!" matches
 * "mm-hmm"); an utterance is a backchannel when it is made only of these phrases ("yeah, right").
 * @example bridge.conversation(node, { bargeIn: { backchannels: [...BACKCHANNELS.en, "aye"] } })
 */
export const BACKCHANNELS: Readonly<Record<BackchannelLanguage, readonly string[]>> = {
  en: [
    "mm-hmm",
    "mhm",
    "mm",
    "hmm",
    "uh-huh",
    "uh",
    "um",
    "oh",
    "ah",
    "yeah",
    "yep",
    "yup",
    "yes",
    "ok",
    "okay",
    "right",
    "alright",
    "all right",
    "sure",
    "i see",
    "got it",
    "gotcha",
    "cool",
    "great",
    "nice",
    "wow",
    "really",
    "exactly",
    "true",
    "go on",
    "makes sense",
    "sounds good",
  ],
  es: [
    "ajá",
    "aha",
    "mhm",
    "sí",
    "vale",
    "claro",
    "ya",
    "ya veo",
    "bueno",
    "ok",
    "okey",
    "de acuerdo",
    "entiendo",
    "exacto",
    "cierto",
    "ah",
    "eh",
  ],
  de: [
    "ja",
    "mhm",
    "hm",
    "aha",
    "ach so",
    "genau",
    "okay",
    "ok",
    "stimmt",
    "richtig",
    "klar",
    "alles klar",
    "gut",
    "verstehe",
    "ah",
    "oh",
  ],
  fr: [
    "oui",
    "ouais",
    "mhm",
    "hum",
    "euh",
    "ah",
    "oh",
    "ok",
    "okay",
    "d'accord",
    "voilà",
    "exactement",
    "je vois",
    "bien sûr",
    "tout à fait",
    "ah bon",
    "c'est ça",
    "bon",
  ],
};

/** Every built-in list together: the default of `bargeIn.backchannels`. */
export const DEFAULT_BACKCHANNELS: readonly string[] = [
  ...new Set(Object.values(BACKCHANNELS).flat()),
];

/** What a user utterance that overlapped the agent turns out to be. */
export type UtteranceKind = "backchannel" | "short" | "real";

/**
 * Classifies utterances against a backchannel list and a minimum word count; built once per
 * conversation so the list is normalised once.
 */
export class UtteranceClassifier {
  readonly #phrases: Set<string>;
  readonly #longest: number;
  readonly #minWords: number;

  constructor(options: { backchannels: readonly string[]; minWords: number }) {
    this.#phrases = new Set();
    let longest = 1;
    for (const phrase of options.backchannels) {
      const words = normalizeWords(phrase);
      if (words.length === 0) continue;
      this.#phrases.add(words.join(" "));
      longest = Math.max(longest, words.length);
    }
    this.#longest = longest;
    this.#minWords = options.minWords;
  }

  /**
   * `backchannel` when the text is made only of backchannel phrases, `short` when it has fewer
   * than `minWords` words (an empty transcript included), `real` otherwise.
   */
  classify(text: string): UtteranceKind {
    const words = normalizeWords(text);
    if (words.length > 0 && this.#coversAll(words)) return "backchannel";
    if (words.length < this.#minWords || words.length === 0) return "short";
    return "real";
  }

  /** True when `words` split into a sequence of known phrases (dynamic programming over words). */
  #coversAll(words: readonly string[]): boolean {
    const reachable = new Array<boolean>(words.length + 1).fill(false);
    reachable[0] = true;
    for (let start = 0; start < words.length; start++) {
      if (!reachable[start]) continue;
      for (let len = 1; len <= this.#longest && start + len <= words.length; len++) {
        if (this.#phrases.has(words.slice(start, start + len).join(" "))) {
          reachable[start + len] = true;
        }
      }
    }
    return reachable[words.length] === true;
  }
}

/**
 * Lower case, accents and punctuation removed (a hyphen or apostrophe splits words), runs of one
 * letter collapsed ("mmm" → "m"), so "Mmm-hmm!" and "mm-hmm" normalise alike.
 */
function normalizeWords(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, " ")
    .replace(/(\p{L})\1+/gu, "$1")
    .split(/\s+/)
    .filter((word) => word !== "");
}
