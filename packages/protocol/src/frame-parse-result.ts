import type { z } from "zod";

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
