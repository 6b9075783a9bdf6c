import { SwitchboardError } from "../errors.js";

/**
 * Throws a `TOOL_ERROR` unless `schema` is a zod 4 schema: from `zod` 4, or from `zod/v4` in
 * zod 3.25+. A zod 3 classic schema (`import { z } from "zod"` on zod 3) has no `_zod`
 * internals, so it could neither validate arguments nor become JSON Schema here.
 */
export function assertZod4Schema(toolName: string, schema: unknown): void {
  const isZod4 =
    typeof schema === "object" &&
    schema !== null &&
    "_zod" in schema &&
    typeof schema._zod === "object";
  if (isZod4) return;
  const isZod3 = typeof schema === "object" && schema !== null && "_def" in schema;
  throw new SwitchboardError(
    "TOOL_ERROR",
    `The parameters of tool "${toolName}": zod 4 schema expected` +
      (isZod3
        ? ', got a zod 3 schema. On zod 3.25 or later, import { z } from "zod/v4"; or upgrade to zod 4.'
        : `, got ${schema === null ? "null" : typeof schema}. Use z.object({ ... }) from zod 4 (or "zod/v4").`),
  );
}
