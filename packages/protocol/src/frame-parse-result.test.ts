import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fastParser } from "./frame-parse-result.js";
import { inputFrameSchemas } from "./input-frames.js";
import { outputFrameSchemas } from "./output-frames.js";

/** Values a field may arrive with: right and wrong types, the schema's literals and near misses. */
const FIELD_VALUES: unknown[] = [
  "",
  "hello",
  "speaking",
  "idle",
  "Speaking",
  "message",
  "user_state",
  "5",
  0,
  1,
  true,
  null,
  undefined,
  {},
  [],
  ["speaking"],
];

/** Frames built from each schema's own keys: every key given every value, one missing, extras. */
function candidates(type: string, keys: readonly string[]): object[] {
  const valid = Object.fromEntries(keys.map((key) => [key, key === "type" ? type : "speaking"]));
  const frames: object[] = [valid, { ...valid, extra: 1, __proto__: null }];
  for (const key of keys) {
    for (const value of FIELD_VALUES) frames.push({ ...valid, [key]: value });
    const { [key]: _dropped, ...missing } = valid;
    frames.push(missing);
  }
  return frames;
}

describe("fastParser", () => {
  const schemas: [string, z.ZodType][] = [
    ...Object.entries(inputFrameSchemas),
    ...Object.entries(outputFrameSchemas),
  ];

  it("takes the frames of plain fields, and leaves the rest to zod", () => {
    expect(fastParser(inputFrameSchemas.user_state)).toBeDefined();
    expect(fastParser(inputFrameSchemas.message)).toBeDefined();
    // A regex check is zod's to make.
    expect(fastParser(inputFrameSchemas.dtmf)).toBeUndefined();
    expect(fastParser(z.strictObject({ type: z.literal("x") }))).toBeUndefined();
    expect(fastParser(z.object({ n: z.number() }))).toBeUndefined();
    expect(fastParser(z.object({ s: z.string().min(1) }))).toBeUndefined();
  });

  it.each(schemas)("gives what zod gives, on success and only then (%s)", (type, schema) => {
    const fast = fastParser(schema);
    if (fast === undefined) return;
    const keys = Object.keys((schema as z.ZodObject).shape);
    for (const frame of candidates(type, keys)) {
      const zod = schema.safeParse(frame);
      const mine = fast(frame);
      if (zod.success) expect(mine, JSON.stringify(frame)).toEqual(zod.data);
      else expect(mine, JSON.stringify(frame)).toBeUndefined();
      if (zod.success) expect(Object.keys(mine!)).toEqual(Object.keys(zod.data as object));
    }
  });
});
