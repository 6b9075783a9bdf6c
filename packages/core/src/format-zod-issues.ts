import type { z } from "zod";

/**
 * Describes zod's issues field by field, e.g.
 * `"city" is required (expected string); "days": expected number, received string`: the one
 * zod-issue formatter, for a model correcting its tool call or a client correcting its input.
 * Pass the input that failed so a missing field reads as "is required".
 * @example
 * const parsed = schema.safeParse(input);
 * if (!parsed.success) throw new Error(formatZodIssues(parsed.error.issues, input));
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], args?: unknown): string {
  return issues.map((issue) => describeIssue(issue, args)).join("; ");
}

function describeIssue(issue: z.core.$ZodIssue, args: unknown): string {
  const field = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.map((key) => JSON.stringify(key)).join(", ");
    const where = issue.path.length === 0 ? "" : ` in ${field}`;
    return `unexpected field${issue.keys.length === 1 ? "" : "s"} ${keys}${where}`;
  }
  if (
    issue.code === "invalid_type" &&
    issue.path.length > 0 &&
    valueAt(args, issue.path) === undefined
  ) {
    return `${field} is required (expected ${issue.expected})`;
  }
  // zod prefixes most messages with "Invalid input: ", which says nothing the field name does not.
  const message = issue.message.replace(/^Invalid input: (?=.)/, "");
  return issue.path.length === 0 ? `arguments: ${message}` : `${field}: ${message}`;
}

/** `["items", 0, "name"]` → `"items[0].name"` (quoted, as the model wrote the keys). */
function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return JSON.stringify(text);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
