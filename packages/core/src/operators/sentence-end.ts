import { createAbbreviationGuard } from "./abbreviations.js";

const CLOSERS = /["'”’»)\]」』）]*\s*$/u;
const TERMINAL = /[!?。！？‼⁇…]$/u;
const guard = createAbbreviationGuard();

/**
 * True when `text` visibly ends a sentence: `! ? 。 ！ ？ …`, or a period that is neither a
 * decimal in progress ("$3.") nor an abbreviation or initial ("Dr.", "F.").
 * @example endsSentence("Hello.") // true; endsSentence("It costs $3.") // false
 */
export function endsSentence(text: string): boolean {
  const body = text.replace(CLOSERS, "");
  if (TERMINAL.test(body)) return true;
  if (!body.endsWith(".")) return false;
  if (body.endsWith("...")) return true;
  if (/[\p{N}.]\.$/u.test(body)) return false;
  return !guard.isFalseBoundary(body, "");
}
