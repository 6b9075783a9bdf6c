import { createAbbreviationTables, type AbbreviationOptions } from "./abbreviations.js";

/**
 * How far before a sentence mark the rules may look (for the word before it and the clause it
 * ends). A fixed bound keeps scanning linear and the result independent of how text arrives.
 */
export const LOOK_BEHIND = 160;

/**
 * How far past a sentence mark a decision may wait (closing quotes, citations, the next word).
 * Past this the text so far decides, so a stream without a boundary is never held for a guess.
 */
export const MAX_LOOK_AHEAD = 64;

/** Marks that may end a sentence only with whitespace after them. */
const LATIN_MARKS = ".!?…‼⁇⁈⁉‽";
/** Marks that end a sentence without a space: CJK, Indic, Ethiopic, Armenian, Arabic, Myanmar… */
const OTHER_MARKS = "。！？｡︒﹒﹖﹗؟۔।॥።፧፨၊။։՜՞។៕";
/** Marks that end a phrase (never a sentence): those taking a space after them, then CJK ones. */
const PHRASE_MARKS = ",;:";
const CJK_PHRASE_MARKS = "，、：；";
/** Closing punctuation that stays with the sentence it follows. */
const CLOSERS = "\"'”’»)]」』）〉》`“‘«‹›";
/** Opening punctuation that may stand before the next sentence's first word. */
const OPENERS = "\"'“‘„«‹([{¿¡「『（《";
/** Marks {@link quoteState} reads. */
const QUOTES = "\"“”„«»《》`‘'’";
const SINGLE_QUOTES = "`‘'’";

/** English words that start sentences and are never a name after "Mr." or "Mrs.". */
const STARTERS = new Set(
  (
    "The Then This That These Those There They We It He She You But So However Also Now Yes " +
    "Thanks Please Let Here What Why How When Where Our My Their After Before If Meanwhile " +
    "Still Finally"
  ).split(" "),
);

/** Words that follow a dotted acronym as part of one name: "U.S. Army", "U.S. Route 66". */
const AFTER_ACRONYMS = new Set(
  (
    "Army Navy Air Force Forces Marine Marines Government President Congress Senate House Route " +
    "Highway Interstate Department Court Supreme Open Embassy Dollar Dollars Treasury Attorney " +
    "Secretary Ambassador Federal Census Bureau Postal Coast Guard Constitution Capitol Military " +
    "Senator Representative Citizen Citizens Economy Officials Troops Soldiers Agency Patent " +
    "Office Steel District Consulate Mint Border Customs Space Command Geological National"
  ).split(" "),
);

/** Words after "5 p.m." or "44 B.C." that keep the time in the sentence: days, months, zones. */
const AFTER_TIMES = new Set(
  (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May " +
    "June July August September October November December Jan Feb Mar Apr Jun Jul Aug Sep Sept " +
    "Oct Nov Dec Eastern Pacific Central Mountain Atlantic"
  ).split(" "),
);

/** Honorifics, which may end a sentence ("Meet Mr. and Mrs. Then we left."). */
const HONORIFICS = new Set(["mr.", "mrs.", "ms.", "mx.", "messrs.", "jr.", "sr."]);

const TIMES = new Set(["a.m.", "p.m.", "b.c.", "a.d.", "b.c.e.", "c.e.", "a.h."]);

/** A clause that starts with one of these is an introductory phrase: "At 5 a.m. Mr. Smith…". */
const PREPOSITIONS = new Set(
  "at on in by around from until till after before since about near circa between during".split(
    " ",
  ),
);

/** Items of a list at the start of a sentence: "1.", "iv.", "IV.", "(2.)". */
const LIST_MARKER = /^\(?(?:\d{1,3}|[ivxlc]{2,6}|[IVXLC]{1,6})\.$/u;
/** Letters as list items ("a.", "ab.") only count in a list: next to a line that is an item. */
const LETTER_MARKER = /^\(?[a-z]{1,2}\.$/u;
const ITEM_START = /^[ \t]*[*•\-–]?[ \t]*\(?(?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,6}|[IVXLC]{1,6})[.)]/u;

/** Italian and French elisions before an abbreviation: "l'Ing.", "dell'Avv.". */
const ELISION = /^(?:[ldmnst]|dell|dall|nell|sull|all|un|qu)['’](?=\p{Lu})/iu;

/** What the scanner decided about one candidate. */
type Decision =
  | { readonly kind: "wait" }
  | { readonly kind: "none"; readonly resume: number }
  | { readonly kind: "split"; readonly at: number; readonly sentence: boolean };

const WAIT: Decision = { kind: "wait" };

/** A candidate mark at `p` and what the rules deciding it may read. */
interface Candidate {
  readonly text: string;
  readonly p: number;
  /** How far the rules may read: the text's end, or `MAX_LOOK_AHEAD` past `p`. */
  readonly limit: number;
  /** Reaching `limit` decides: the stream ended or the look-ahead is spent. */
  readonly settled: boolean;
  /** Where the rules may start reading: the sentence start, or `LOOK_BEHIND` before `p`. */
  readonly lo: number;
  /** Whether `lo` is the sentence start. */
  readonly sentenceStartKnown: boolean;
}

/**
 * Options of {@link SentenceScanner}.
 */
export interface SentenceScannerOptions extends AbbreviationOptions {
  /** Also report phrase ends: `, ; :` followed by whitespace, CJK `，、：；`, and `!`/`?` pauses. */
  readonly phrases?: boolean;
  /** Extra characters that end a sentence, e.g. ";" (a peer's policy, not the default). */
  readonly terminators?: string;
}

/** A boundary: the offset (in the whole stream) where the next chunk starts. */
export interface Boundary {
  readonly offset: number;
  /** True when it ends a sentence; false for a phrase end or a line break in phrase mode. */
  readonly sentence: boolean;
}

/**
 * Finds sentence (and phrase) boundaries in streamed text, incrementally: each character is
 * scanned once, rules look at most {@link LOOK_BEHIND} characters back and wait for at most
 * {@link MAX_LOOK_AHEAD} ahead, so the result is the same however the text is cut into pieces.
 *
 * A boundary is reported once the text after it settles it: the whitespace run after a sentence
 * stays with that sentence, and the next word is read when the rules need it ("U.S. Army").
 * @example
 * const scanner = new SentenceScanner();
 * scanner.push("Hi there. How"); // [{ offset: 10, sentence: true }]
 */
export class SentenceScanner {
  readonly #tables;
  readonly #phrases: boolean;
  readonly #terminators: string;
  readonly #candidates: RegExp;
  /** The text from stream offset `#windowStart` on: enough look-behind plus what is unscanned. */
  #window = "";
  #windowStart = 0;
  /** Every candidate before this stream offset is decided. */
  #scanned = 0;
  /** Where the current sentence began (the last sentence boundary). */
  #sentenceStart = 0;
  /** Whether the current line, and the line before it, open with a list marker. */
  #lineIsItem = false;
  #previousLineIsItem = false;

  constructor(options: SentenceScannerOptions = {}) {
    this.#tables = createAbbreviationTables(options);
    this.#phrases = options.phrases === true;
    this.#terminators = options.terminators ?? "";
    const marks = LATIN_MARKS + OTHER_MARKS + this.#terminators;
    const phraseMarks = this.#phrases ? PHRASE_MARKS + CJK_PHRASE_MARKS : "";
    // ";" may end a sentence before a capital; "•" and "2)" open a list item wherever they stand.
    this.#candidates = new RegExp(`[${escapeClass(marks + phraseMarks)};•)\\n]`, "gu");
  }

  /** Adds text; returns the boundaries it settled, in order. */
  push(text: string): Boundary[] {
    this.#window += text;
    return this.#scan(false);
  }

  /** The stream has ended: returns the boundaries left, deciding with what there is. */
  finish(): Boundary[] {
    const boundaries = this.#scan(true);
    this.#window = "";
    this.#windowStart = this.#scanned = this.#sentenceStart = 0;
    this.#lineIsItem = this.#previousLineIsItem = false;
    return boundaries;
  }

  #scan(final: boolean): Boundary[] {
    const found: Boundary[] = [];
    const text = this.#window;
    let i = this.#scanned - this.#windowStart;
    while (i < text.length) {
      this.#candidates.lastIndex = i;
      const match = this.#candidates.exec(text);
      if (match === null) {
        i = text.length;
        break;
      }
      const decision = this.#decide(text, match.index, final);
      if (decision.kind === "wait") {
        i = match.index;
        break;
      }
      if (decision.kind === "none") {
        i = decision.resume;
        continue;
      }
      found.push({ offset: this.#windowStart + decision.at, sentence: decision.sentence });
      if (decision.sentence) this.#sentenceStart = this.#windowStart + decision.at;
      if (decision.sentence && /\n/u.test(text.slice(match.index, decision.at))) {
        this.#previousLineIsItem = this.#lineIsItem;
        this.#lineIsItem = false;
      }
      i = decision.at;
    }
    this.#scanned = this.#windowStart + i;
    // Keep the look-behind the rules may read, and the sentence start when it is that close.
    const keepFrom = Math.max(
      this.#windowStart,
      Math.min(this.#scanned, Math.max(this.#sentenceStart, this.#scanned - LOOK_BEHIND)),
    );
    if (keepFrom > this.#windowStart) {
      this.#window = text.slice(keepFrom - this.#windowStart);
      this.#windowStart = keepFrom;
    }
    return found;
  }

  /** Decides the candidate at `p` (a mark or a line break) in `text`. */
  #decide(text: string, p: number, final: boolean): Decision {
    const limit = Math.min(text.length, p + MAX_LOOK_AHEAD);
    // Reaching `limit` means: wait for more, unless the stream ended or the look-ahead is spent.
    const settled = final || text.length >= p + MAX_LOOK_AHEAD;
    const lo = Math.max(0, this.#sentenceStart - this.#windowStart, p - LOOK_BEHIND);
    const sentenceStartKnown = this.#sentenceStart - this.#windowStart >= p - LOOK_BEHIND;
    const mark = text[p] ?? "";

    if (mark === "\n") {
      const end = skipSpace(text, p, limit);
      if (end === limit) return settled ? { kind: "none", resume: end } : WAIT;
      if (this.#phrases) return { kind: "none", resume: end };
      return { kind: "split", at: end, sentence: true };
    }

    if (mark === "•") return this.#bullet(text, p, limit, settled);
    const candidate: Candidate = { text, p, limit, settled, lo, sentenceStartKnown };
    if (mark === ")") return this.#nextItem(candidate);
    if (mark === ";" && !this.#terminators.includes(mark)) {
      return this.#semicolon(candidate);
    }
    const phraseMark = PHRASE_MARKS.includes(mark) || CJK_PHRASE_MARKS.includes(mark);
    if (phraseMark && !this.#terminators.includes(mark)) {
      return this.#phraseEnd(text, p, limit, settled, CJK_PHRASE_MARKS.includes(mark));
    }

    // The run of marks: "?!", "...", ". . ." (spaced ellipsis), "。".
    let q = p;
    while (q < limit && isMark(text[q] ?? "", this.#terminators)) q += 1;
    while (text[p] === "." && q + 1 < limit && text[q] === " " && text[q + 1] === ".") {
      q += 2;
      while (q < limit && text[q] === ".") q += 1;
    }
    if (q >= limit) return settled ? { kind: "none", resume: q } : WAIT;
    const run = text.slice(p, q);
    // An omission "[...]" ends nothing.
    if (text[p - 1] === "[" && text[q] === "]") return { kind: "none", resume: q };

    // Closing quotes, brackets and citations ("[1]") stay with the sentence.
    let r = q;
    for (;;) {
      const c = text[r] ?? "";
      if (r >= limit) break;
      if (c === "[") {
        const citation = /^\[\d{1,3}\]/u.exec(text.slice(r, Math.min(limit, r + 5)));
        if (citation !== null) {
          r += citation[0].length;
          continue;
        }
        if (/^\[\d{0,3}$/u.test(text.slice(r, limit)) && !settled) return WAIT;
        break;
      }
      if (!CLOSERS.includes(c)) break;
      r += 1;
    }
    if (r >= limit) return settled ? { kind: "none", resume: r } : WAIT;
    let s = skipSpace(text, r, limit);
    const spaced = s > r;
    if (spaced) {
      // Citations and stand-alone closing quotes after the space: "gas. [1] It", "do ? '' Graham".
      for (;;) {
        if (s >= limit) break;
        const rest = text.slice(s, Math.min(limit, s + 6));
        const extra = /^(?:\[\d{1,3}\]|'{1,2}(?=\s)|[»”](?=\s))/u.exec(rest);
        if (extra !== null) {
          if (extra[0].startsWith("'")) {
            const closes = closesSentence(
              text,
              lo,
              s,
              extra[0].length,
              limit,
              settled,
              sentenceStartKnown,
            );
            if (closes === undefined) return WAIT;
            if (!closes) break;
          }
          s = skipSpace(text, s + extra[0].length, limit);
          continue;
        }
        if (!settled && s + rest.length === limit && /^(?:\[\d{0,3}|'{1,2}|[»”])$/u.test(rest)) {
          return WAIT;
        }
        break;
      }
    }
    if (s >= limit) return settled ? { kind: "none", resume: s } : WAIT;
    const at = s;
    const none: Decision = { kind: "none", resume: q };
    // Inside an open quotation the sentence goes on: "How many? I don't know."
    const sentence = (): Decision =>
      sentenceStartKnown && quoteState(text.slice(lo, at)).open
        ? none
        : { kind: "split", at, sentence: true };
    const pause = (): Decision =>
      this.#phrases && /[!?]/u.test(run) && spaced ? { kind: "split", at, sentence: false } : none;

    const other = !LATIN_MARKS.includes(mark);
    if (other) {
      // "1997年…開発した。1999年" reads as one sentence in Japanese.
      if (mark === "。" && /\d/u.test(text[r] ?? "") && !spaced) return none;
      return sentence();
    }
    if (!spaced) return this.#unspaced(text, p, r, limit, settled, run, lo);

    // The first letter of what follows, past opening quotes and brackets.
    let f = s;
    // "'' and adult voices": a quote standing alone before the word counts as an opener.
    while (f < limit && (OPENERS.includes(text[f] ?? "") || (f > s && /\s/u.test(text[f] ?? "")))) {
      f += 1;
    }
    if (f >= limit) return settled ? sentence() : WAIT;
    const first = text[f] ?? "";
    // A list marker opens its line: "1. Buy milk", "a. The item" (in a list).
    const token = run === "." ? this.#tokenBefore(text, p, lo) : undefined;
    const atStart =
      token !== undefined &&
      sentenceStartKnown &&
      token.rawStart <= skipBullets(text, Math.max(lo, this.#sentenceStart - this.#windowStart), p);
    const marker = text[q] === ")" ? LETTER_MARKER.test(token?.word ?? "") : false;
    if (token !== undefined && atStart && (marker || LIST_MARKER.test(token.word))) {
      this.#lineIsItem = true;
      return none;
    }
    if (token !== undefined && atStart && LETTER_MARKER.test(token.word)) {
      const item = this.#isListItem(text, s, limit, settled);
      if (item === undefined) return WAIT;
      if (item) {
        this.#lineIsItem = true;
        return none;
      }
    }
    if (token !== undefined && text[q] === ")" && isEnumerator(token.word)) {
      // "a.) The first item b.) The second item": a ".)" that closes no "(" ends an enumerator.
      if (!opensParenthesis(text.slice(lo, token.start))) return none;
    }
    // "a. The first item": "a." opening a sentence starts an enumeration, not a sentence.
    if (token !== undefined && atStart && /^\(?a\.$/u.test(token.word)) return none;
    if (isLowerCase(first)) return pause();
    if (isMark(first, this.#terminators) || /[,;:]/u.test(first)) return pause();
    // "HOWELL, Mich. - Blissfield…": a dash after the mark continues the line.
    if (/[-–—]/u.test(first)) {
      if (f + 1 >= limit) return settled ? sentence() : WAIT;
      if (/\s/u.test(text[f + 1] ?? "")) return none;
    }
    const word = (): { value: string; complete: boolean } => readWord(text, f, limit, settled);

    const ellipsis = run.length > 1 && /^[.…\s]+$/u.test(run);
    if (run !== ".") {
      const english = this.#tables.language === undefined || this.#tables.language === "en";
      if (ellipsis && english && first === "I" && run.replaceAll(" ", "").length < 4) {
        const next = word();
        if (!next.complete) return WAIT;
        if (next.value === "I") return none;
      }
      return sentence();
    }

    // A single ".": what came before decides, and sometimes the next word.
    if (token === undefined) return sentence();
    const low = token.word.toLowerCase();
    const { titles, beforeNumbers, language } = this.#tables;
    // "P.A.L.S. (Portsmouth…)", "et al. (2012)": a bracket after an abbreviation continues.
    if (text[s] === "(" && (titles.has(low) || isAcronym(token.word) || TIMES.has(low))) {
      return none;
    }
    if (/\p{N}/u.test(first) && f === s) {
      if (titles.has(low) || beforeNumbers.has(low)) return none;
      // "S. 225", "W. 82nd St.": a capital letter before a number; "A.D. 79" opening a sentence.
      if (/^\p{Lu}\.$/u.test(token.word) || (atStart && TIMES.has(low))) return none;
      return sentence();
    }
    if (!/\p{L}/u.test(first)) return titles.has(low) ? none : sentence();
    if (language === "de" && /^\d+\.$/u.test(token.word)) return none;
    if (/^[IVXLC]+$/u.test(first) && beforeNumbers.has(low)) {
      const next = word();
      if (!next.complete) return WAIT;
      if (low === "no." && next.value === "I") return sentence();
      return /^[IVXLC]+$/u.test(next.value) ? none : sentence();
    }
    if (titles.has(low)) {
      const next = word();
      if (!next.complete) return WAIT;
      return HONORIFICS.has(low) && STARTERS.has(next.value) ? sentence() : none;
    }
    if (TIMES.has(low)) {
      const next = word();
      if (!next.complete) return WAIT;
      if (STARTERS.has(next.value)) return sentence();
      if (AFTER_TIMES.has(next.value) || /^\p{Lu}{2,5}$/u.test(next.value)) return none;
      if (next.value.length === 1 && f + 1 < limit && text[f + 1] === ".") return none; // "P.D.T."
      return this.#clauseStartsWithPreposition(text, token.start, lo, sentenceStartKnown)
        ? none
        : sentence();
    }
    if (/^\p{L}\.$/u.test(token.word)) {
      // "a. The first item b. The second item": the next letter of an enumeration.
      if (sentenceStartKnown && continuesEnumeration(text.slice(lo, token.start), token.word)) {
        return none;
      }
      if (!/\p{Lu}/u.test(token.word)) return sentence();
      // "you and I. Did…" ends; "Albert I. Jones", "John F. Kennedy", "M. Dupont" do not.
      if (
        token.word === "I." &&
        /(?:^|\s)\p{Ll}[\p{L}'’]*\s*$/u.test(text.slice(lo, token.start))
      ) {
        return sentence();
      }
      return none;
    }
    if (isAcronym(token.word)) {
      if ((language === "ru" || language === "uk") && /^(\p{Lu}\.){2}$/u.test(token.word)) {
        return none; // Initials: "Л.Н. Толстой".
      }
      const next = word();
      if (!next.complete) return WAIT;
      return AFTER_ACRONYMS.has(next.value) ? none : sentence();
    }
    return sentence();
  }

  /**
   * Whether "a. " at a line start is a list item: the line before was one, or the next line
   * starts like one. Undefined while the line is still arriving.
   */
  #isListItem(text: string, from: number, limit: number, settled: boolean): boolean | undefined {
    if (this.#previousLineIsItem) return true;
    const newline = text.indexOf("\n", from);
    if (newline < 0 || newline >= limit) return settled ? false : undefined;
    const next = text.slice(newline + 1, limit);
    if (ITEM_START.test(next)) return true;
    // The next line's first word may still grow into "ab.".
    const head = /^[ \t]*[*•\-–]?[ \t]*\(?[\p{L}\p{N}]*/u.exec(next)?.[0] ?? "";
    return head.length === next.length && !settled ? undefined : false;
  }

  /**
   * A "•" after whitespace, other than the one that opens the sentence, starts a new list item:
   * "• 9. The first item • 10. The second item". A bullet is never part of a sentence's prose.
   */
  #bullet(text: string, p: number, limit: number, settled: boolean): Decision {
    const none: Decision = { kind: "none", resume: p + 1 };
    const start = Math.max(0, this.#sentenceStart - this.#windowStart);
    if (!/\s/u.test(text[p - 1] ?? "") || skipSpace(text, start, p) >= p) return none;
    if (p + 1 >= limit) return settled ? none : WAIT;
    return /\s/u.test(text[p + 1] ?? "") ? { kind: "split", at: p, sentence: true } : none;
  }

  /**
   * The ")" of an enumerator that continues the one opening the sentence starts a new item:
   * "1) The first item 2) The second item", "a.) One b.) Two". Only a sentence that opens with an
   * enumerator is a list; "We need to 1) buy milk, 2) call" stays one sentence.
   */
  #nextItem(at: Candidate): Decision {
    const { text, p, limit, settled, lo, sentenceStartKnown } = at;
    const none: Decision = { kind: "none", resume: p + 1 };
    if (!sentenceStartKnown) return none;
    // The enumerator before ")": at most "(" + 6 characters + "." after a space.
    const from = Math.max(lo, p - 9);
    const item = /(?<=\s)\(?([\p{L}\p{N}]{1,6})(\.?)$/u.exec(text.slice(from, p));
    if (item === null) return none;
    if (p + 1 >= limit) return settled ? none : WAIT;
    if (!/\s/u.test(text[p + 1] ?? "")) return none;
    const opening = /^[\s*•\-–]*\(?([\p{L}\p{N}]{1,6})(\.?)\)\s/u.exec(text.slice(lo, p));
    if (opening === null || opening[2] !== item[2]) return none;
    if (!follows(opening[1] ?? "", item[1] ?? "")) return none;
    return { kind: "split", at: from + item.index, sentence: true };
  }

  /**
   * A ";" before a capitalised word ends a sentence: "It works; Then we left." In a cased
   * language the word after a semicolon is lower-case unless the writer began a new sentence or
   * wrote a name, and a cut at a semicolon falls on a pause the voice makes anyway. "I", acronyms
   * ("; NASA said") and German (which capitalises every noun) do not count. Otherwise ";" is a
   * phrase end in phrase mode and nothing in sentence mode.
   */
  #semicolon(at: Candidate): Decision {
    const { text, p, limit, settled, lo, sentenceStartKnown } = at;
    const phrase = (): Decision =>
      this.#phrases
        ? this.#phraseEnd(text, p, limit, settled, false)
        : { kind: "none", resume: p + 1 };
    if (this.#tables.language === "de") return phrase();
    const s = skipSpace(text, p + 1, limit);
    if (s + 1 >= limit) return settled ? phrase() : WAIT;
    if (s === p + 1) return phrase();
    const first = text[s] ?? "";
    const second = text[s + 1] ?? "";
    if (!/\p{Lu}/u.test(first)) return phrase();
    // "I" alone ("I think", "I'm") and acronyms are written capitalised mid-sentence.
    if (/\p{Lu}/u.test(second) || (first === "I" && !/\p{L}/u.test(second))) return phrase();
    if (sentenceStartKnown && quoteState(text.slice(lo, s)).open) return phrase();
    return { kind: "split", at: s, sentence: true };
  }

  /** A phrase mark: `, ; :` need whitespace after them, CJK marks do not. */
  #phraseEnd(text: string, p: number, limit: number, settled: boolean, cjk: boolean): Decision {
    let r = p + 1;
    while (r < limit && CLOSERS.includes(text[r] ?? "")) r += 1;
    const s = skipSpace(text, r, limit);
    if (s >= limit) return settled ? { kind: "none", resume: s } : WAIT;
    if (s === r && !cjk) return { kind: "none", resume: p + 1 };
    return { kind: "split", at: s, sentence: false };
  }

  /** A Latin mark with no space after it: "3.14", "foo.bar", but "Hello Barney.The bird". */
  #unspaced(
    text: string,
    p: number,
    r: number,
    limit: number,
    settled: boolean,
    run: string,
    lo: number,
  ): Decision {
    const none: Decision = { kind: "none", resume: p + run.length };
    if (run !== "." || r !== p + 1) return none;
    const before = /[\p{L}\p{N},]+$/u.exec(text.slice(lo, p))?.[0] ?? "";
    if (before.length < 2 || !/[\p{Ll}\p{N}]$/u.test(before)) return none;
    if (this.#tables.titles.has(`${before.toLowerCase()}.`)) return none;
    if (/\p{L}/u.test(before) && /\p{N}/u.test(before)) return none;
    const next = /^\p{Lu}\p{Ll}+/u.exec(text.slice(r, limit))?.[0];
    if (next === undefined) {
      if (!settled && /^\p{Lu}?$/u.test(text.slice(r, limit))) return WAIT;
      return none;
    }
    const after = r + next.length;
    if (after >= limit && !settled) return WAIT;
    // "Jane.Doe@example.com", "Example.Com/path": an address, not two sentences.
    if (after < limit && /[\p{L}\p{N}@/]/u.test(text[after] ?? "")) return none;
    if (text[after] === ".") {
      if (after + 1 >= limit && !settled) return WAIT;
      if (after + 1 < limit && /[\p{L}\p{N}]/u.test(text[after + 1] ?? "")) return none;
    }
    return { kind: "split", at: r, sentence: true };
  }

  /** The word before the mark at `p` (or before " ." in tokenised text), openers stripped. */
  #tokenBefore(
    text: string,
    p: number,
    lo: number,
  ): { word: string; start: number; rawStart: number } {
    let end = p;
    if (p - 2 >= lo && text[p - 1] === " " && /\S/u.test(text[p - 2] ?? "")) end = p - 1;
    let start = end;
    while (start > lo && !/[\s/]/u.test(text[start - 1] ?? "")) start -= 1;
    const rawStart = start;
    let word = text.slice(start, end);
    while (word !== "" && OPENERS.includes(word[0] ?? "")) {
      word = word.slice(1);
      start += 1;
    }
    const elision = ELISION.exec(word);
    if (elision !== null) word = word.slice(elision[0].length);
    return { word: `${word}.`, start, rawStart };
  }

  /** True when the clause holding `at` opens with a preposition: "At 5 a.m.", "…: In 44 B.C.". */
  #clauseStartsWithPreposition(
    text: string,
    at: number,
    lo: number,
    sentenceStartKnown: boolean,
  ): boolean {
    // Clauses after ";" or ":" count; after "," they do not ("He arrived, at 6 a.m. Mr. …").
    const before = text.slice(lo, at);
    const cut = /^.*[;:]\s/su.exec(before)?.[0].length ?? -1;
    if (cut < 0 && !sentenceStartKnown) return false;
    const clause = before.slice(Math.max(cut, 0));
    const first = /^[\s"'“‘«(]*(\p{L}+)/u.exec(clause)?.[1]?.toLowerCase();
    return first !== undefined && PREPOSITIONS.has(first);
  }
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/gu, "\\$&");
}

function isMark(c: string, terminators: string): boolean {
  return (
    c !== "" && (LATIN_MARKS.includes(c) || OTHER_MARKS.includes(c) || terminators.includes(c))
  );
}

/** Words written with a leading apostrophe, which opens no quotation: "'cause", "'em", "'n'". */
const ELIDED = /^(?:em|tis|twas|til|cause|bout|round|n|s)(?![\p{L}])/iu;

/** What a sentence so far says about quotations. */
interface QuoteState {
  /** A quotation is open at the end of the text. */
  readonly open: boolean;
  /** The text opens or closes a quotation somewhere. */
  readonly any: boolean;
}

/**
 * Reads the quotation marks of `text` (a sentence so far): an odd number of `"`, more openers
 * than closers of “ ” (or „ “), « » (either way round, as German uses »…«), 《 》, or of single
 * quotes (see {@link singleQuoteAt}). A single quote standing alone between spaces, as tokenised
 * text writes both kinds, opens a quotation at the start of the sentence, closes an open one
 * elsewhere, and is ignored otherwise ("Bloodlines '' ( also known as …" closes a quotation begun
 * before). A closer with nothing open is ignored too.
 */
function quoteState(text: string): QuoteState {
  let straight = 0;
  let curly = 0;
  let low = 0;
  let guillemets = 0;
  let book = 0;
  let single = 0;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (!QUOTES.includes(c)) continue;
    if (SINGLE_QUOTES.includes(c)) {
      const { kind, length } = singleQuoteAt(text, i);
      i += length - 1;
      const atStart = kind === "alone" && /^[\s"“„«]*$/u.test(text.slice(0, i + 1 - length));
      if (kind === "opener" || atStart) single += 1;
      else if ((kind === "closer" || kind === "alone") && single > 0) single -= 1;
      else continue;
      any = true;
      continue;
    }
    any = true;
    if (c === '"') straight += 1;
    else if (c === "“") curly += 1;
    else if (c === "”") curly -= 1;
    else if (c === "„") low += 1;
    else if (c === "«") guillemets += 1;
    else if (c === "»") guillemets -= 1;
    else if (c === "《") book += 1;
    else if (c === "》") book -= 1;
  }
  // With „ the closing mark is “: „…“ balances low against curly.
  const curlyOpen = low > 0 ? low + curly > 0 && low > curly : curly > 0;
  const open = straight % 2 === 1 || curlyOpen || guillemets !== 0 || book > 0 || single > 0;
  return { open, any };
}

/**
 * Whether the ' or '' standing alone at `at` (after a sentence end and a space) closes that
 * sentence rather than opening the next: it closes when the sentence leaves a quotation open,
 * opens when the sentence's quotations are all closed, and, when the sentence has none (or its
 * start is out of sight), opens only if a closing quote comes before the next sentence ends:
 * "singer . ' Blessings of Baapu ' and …" opens, "to do ? '' Graham was convicted ." closes a
 * quotation begun before. Undefined while the text that decides is still arriving.
 */
function closesSentence(
  text: string,
  lo: number,
  at: number,
  length: number,
  limit: number,
  settled: boolean,
  sentenceStartKnown: boolean,
): boolean | undefined {
  if (sentenceStartKnown) {
    const state = quoteState(text.slice(lo, at));
    if (state.open) return true;
    if (state.any) return false;
  }
  // Read only up to `limit`, so what is decided never depends on how much text has arrived.
  const view = text.slice(0, limit);
  let sawMark = false;
  for (let j = at + length; j < limit; j++) {
    const c = text[j] ?? "";
    if (SINGLE_QUOTES.includes(c)) {
      // A quote's kind depends on up to 7 characters after it ("'cause").
      if (!settled && j + 8 >= limit) return undefined;
      const { kind, length: run } = singleQuoteAt(view, j);
      if (kind === "closer" || kind === "alone") return false;
      j += run - 1;
    } else if (sawMark && !/\s/u.test(c)) return true;
    else if (".!?…".includes(c)) sawMark = true;
  }
  return settled ? true : undefined;
}

/**
 * What the run of ' ’ or ` at `i` is (a run of two, "''" or "``", is one mark, as tokenised
 * text writes double quotes): standing alone between spaces, an opener before a word, a closer
 * after one, or an apostrophe: inside a word ("don't"), or before "cause", "em", "90s".
 */
function singleQuoteAt(
  text: string,
  i: number,
): { kind: "alone" | "opener" | "closer" | "apostrophe"; length: number } {
  const c = text[i] ?? "";
  const length = text[i + 1] === c && c !== "’" ? 2 : 1;
  if (c === "‘") return { kind: "opener", length };
  const spaceBefore = i === 0 || /[\s([{\-–—:]/u.test(text[i - 1] ?? "");
  const next = i + length;
  const spaceAfter = next >= text.length || /[\s.,;:!?)\]}]/u.test(text[next] ?? "");
  if (spaceBefore && spaceAfter) return { kind: c === "’" ? "apostrophe" : "alone", length };
  if (spaceBefore) {
    if (c === "`") return { kind: "opener", length };
    const word = c === "'" && /\p{L}/u.test(text[next] ?? "");
    return {
      kind: word && !ELIDED.test(text.slice(next, next + 6)) ? "opener" : "apostrophe",
      length,
    };
  }
  return { kind: spaceAfter ? "closer" : "apostrophe", length };
}

/** A lower-case letter in a script where case marks a sentence start (not Georgian). */
function isLowerCase(c: string): boolean {
  return /\p{Ll}/u.test(c) && !/\p{Script=Georgian}/u.test(c);
}

function skipSpace(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && /\s/u.test(text[i] ?? "")) i += 1;
  return i;
}

/** Skips the whitespace and bullets ("*", "-", "•") that may open a sentence. */
function skipBullets(text: string, from: number, limit: number): number {
  let i = from;
  while (i < limit && /[\s*•\-–]/u.test(text[i] ?? "")) i += 1;
  return i;
}

/** True when enumerator `next` comes right after `previous`: "1" "2", "a" "b", "ii" "iii". */
function follows(previous: string, next: string): boolean {
  if (/^\d+$/u.test(previous)) return /^\d+$/u.test(next) && Number(next) === Number(previous) + 1;
  if (/^[a-z]$|^[A-Z]$/u.test(previous) && next.length === 1) {
    if (next.charCodeAt(0) === previous.charCodeAt(0) + 1) return true;
  }
  const a = romanValue(previous);
  const b = romanValue(next);
  return (
    a !== undefined &&
    b !== undefined &&
    b === a + 1 &&
    (previous === previous.toLowerCase()) === (next === next.toLowerCase())
  );
}

/** The value of a roman numeral up to 100 ("iv" is 4), or undefined. */
function romanValue(numeral: string): number | undefined {
  if (!/^(?:[ivxlc]+|[IVXLC]+)$/u.test(numeral)) return undefined;
  const values: Record<string, number> = { i: 1, v: 5, x: 10, l: 50, c: 100 };
  let total = 0;
  const digits = [...numeral.toLowerCase()].map((d) => values[d] ?? 0);
  digits.forEach((value, index) => {
    total += value < (digits[index + 1] ?? 0) ? -value : value;
  });
  return total;
}

/** An item's enumerator with its dot: "1.", "a.", "ii.", "IV.". */
function isEnumerator(word: string): boolean {
  return LETTER_MARKER.test(word) || LIST_MARKER.test(word);
}

/** True when `text` leaves a "(" open. */
function opensParenthesis(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === "(") depth += 1;
    else if (c === ")" && depth > 0) depth -= 1;
  }
  return depth > 0;
}

/**
 * True when `letter` ("b.") follows the previous letter of an enumeration in `sentence`:
 * "a. The first item b." (an "a." or "a)" standing as a word before it).
 */
function continuesEnumeration(sentence: string, letter: string): boolean {
  const code = letter.charCodeAt(0);
  if (!/^[b-z]\.$/u.test(letter)) return false;
  const previous = String.fromCharCode(code - 1);
  return new RegExp(`(?:^|\\s)\\(?${previous}[.)]\\s`, "u").test(sentence);
}

/** Dotted acronyms: "U.S.", "N.A.S.A.", "U.S" + "." in tokenised text. */
function isAcronym(word: string): boolean {
  return /^(?:\p{L}\.){2,}$/u.test(word);
}

/** The word at `from` (letters only); incomplete when it may still grow. */
function readWord(
  text: string,
  from: number,
  limit: number,
  settled: boolean,
): { value: string; complete: boolean } {
  let i = from;
  while (i < limit && /[\p{L}\p{M}]/u.test(text[i] ?? "")) i += 1;
  return { value: text.slice(from, i), complete: i < limit || settled };
}
