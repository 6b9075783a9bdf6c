import { z } from "zod";

/**
 * What parsing one text frame gave: the validated frame, or a message for the other side saying
 * what was wrong (safe to send: it names fields and values, never internals).
 * @example
 * const parsed: FrameParseResult<{ type: "dtmf"; button: string }> = { ok: false, error: "frame is not valid JSON" };
 */
export type FrameParseResult<F> = { ok: true; frame: F } | { ok: false; error: string };

/** One zod schema per frame `type`, as `inputFrameSchemas` and `outputFrameSchemas` are. */
export type FrameSchemas = Readonly<Record<string, z.ZodType>>;

/** Longest frame `type` quoted back in an error, so an absurd one cannot blow up the reply. */
const MAX_QUOTED_TYPE = 64;

/**
 * Parses `text` as JSON and validates it against the schema of its `type`. Extra fields are
 * ignored (Line clients send some).
 */
export function parseFrame<S extends FrameSchemas>(
  text: string,
  schemas: S,
): FrameParseResult<z.output<S[keyof S]>> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `frame is not valid JSON: ${(error as Error).message}` };
  }
  return validateFrame(data, schemas);
}

/** Validates an already-decoded value against the schema of its `type`. */
export function validateFrame<S extends FrameSchemas>(
  data: unknown,
  schemas: S,
): FrameParseResult<z.output<S[keyof S]>> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: 'frame must be a JSON object with a string "type"' };
  }
  const type: unknown = (data as { type?: unknown }).type;
  if (typeof type !== "string") {
    return { ok: false, error: 'frame is missing a string "type" field' };
  }
  const schema = Object.hasOwn(schemas, type) ? schemas[type] : undefined;
  if (schema === undefined) {
    return {
      ok: false,
      error: `unknown frame type ${JSON.stringify(type.slice(0, MAX_QUOTED_TYPE))}; expected one of ${Object.keys(schemas).join(", ")}`,
    };
  }
  const frame = fastParserOf(schema)?.(data);
  if (frame !== undefined) return { ok: true, frame: frame as z.output<S[keyof S]> };
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, error: `invalid "${type}" frame: ${formatZodIssues(parsed.error.issues)}` };
  }
  return { ok: true, frame: parsed.data as z.output<S[keyof S]> };
}

/**
 * One line naming every problem: `path: message; path: message`.
 * @example formatZodIssues(schema.safeParse(x).error?.issues ?? [])
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((issue) => `${issue.path.join(".") || "frame"}: ${issue.message}`).join("; ");
}

/** A check with the outcome of a simple object schema's successful `safeParse`: see {@link fastParser}. */
export type FastParse = (data: object) => object | undefined;

const fastParsers = new WeakMap<z.ZodType, FastParse | null>();

function fastParserOf(schema: z.ZodType): FastParse | undefined {
  let parser = fastParsers.get(schema);
  if (parser === undefined) {
    parser = fastParser(schema) ?? null;
    fastParsers.set(schema, parser);
  }
  return parser ?? undefined;
}

/** A field check: a plain string, a string literal, or an enum of strings. */
function fieldCheck(field: unknown): ((value: unknown) => boolean) | undefined {
  if (
    field instanceof z.ZodString &&
    (field.def.checks === undefined || field.def.checks.length === 0)
  )
    return (value) => typeof value === "string";
  if (field instanceof z.ZodLiteral) {
    const values = [...field.values];
    if (!values.every((v) => typeof v === "string")) return undefined;
    return (value) => typeof value === "string" && values.includes(value);
  }
  if (field instanceof z.ZodEnum) {
    const options: unknown[] = field.options;
    if (!options.every((v) => typeof v === "string")) return undefined;
    return (value) => typeof value === "string" && options.includes(value);
  }
  return undefined;
}

/**
 * For an object schema (`z.object`, unknown keys stripped) whose fields are all plain strings,
 * string literals or string enums — most frames — a check that returns what its `safeParse` returns
 * on success (the known fields, in the schema's order), or undefined where zod would fail. Every
 * frame a caller sends is validated, and zod's general path was most of what reading one cost.
 * Undefined for any other schema; on a failed check the caller asks zod, for its message.
 */
export function fastParser(schema: z.ZodType): FastParse | undefined {
  if (!(schema instanceof z.ZodObject) || schema.def.catchall !== undefined) return undefined;
  const keys = Object.keys(schema.shape);
  const checks: ((value: unknown) => boolean)[] = [];
  for (const key of keys) {
    const check = fieldCheck(schema.shape[key]);
    if (check === undefined) return undefined;
    checks.push(check);
  }
  return (data) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const value = (data as Record<string, unknown>)[key];
      if (!checks[i]!(value)) return undefined;
      out[key] = value;
    }
    return out;
  };
}
