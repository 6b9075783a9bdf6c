import { describe, expect, it } from "vitest";
import { z } from "zod";
import { z as z3 } from "zod3";
import { z as z3v4 } from "zod3/v4";
import { defineTool, type ToolParameters } from "./define-tool.js";
import { ToolRegistry } from "./tool-registry.js";

describe("tool parameters across zod versions", () => {
  it("accepts a zod 4 schema", async () => {
    const tool = defineTool({
      name: "get_weather",
      description: "Weather",
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => city.toUpperCase(),
    });
    const [result] = await new ToolRegistry([tool]).execute([
      { id: "c1", name: "get_weather", arguments: '{"city":"oslo"}' },
    ]);
    expect(result?.result).toBe("OSLO");
  });

  it("accepts a schema from zod 3.25's zod/v4 subpath: validates, and becomes JSON Schema", async () => {
    const tool = defineTool({
      name: "get_weather",
      description: "Weather",
      // A user has one zod, and core's types resolve to it (the tarball check proves that); here the
      // workspace's core is typed against zod 4.x, whose classes have methods 3.25's lack.
      parameters: z3v4.object({
        city: z3v4.string(),
        days: z3v4.number().default(1),
      }) as unknown as ToolParameters,
      // Typed loosely here: the workspace's core sees zod 4's types, not zod 3.25's (a user has one zod).
      execute: async (args) => JSON.stringify(args),
    });
    const registry = new ToolRegistry([tool]);
    expect(registry.schemas[0]?.function.parameters).toMatchObject({
      type: "object",
      required: ["city"],
      additionalProperties: false,
    });
    const [ok, bad] = await registry.execute([
      { id: "c1", name: "get_weather", arguments: '{"city":"Oslo"}' },
      { id: "c2", name: "get_weather", arguments: '{"town":"Oslo"}' },
    ]);
    expect(ok?.result).toBe('{"city":"Oslo","days":1}');
    expect(bad?.error).toMatch(/"city" is required/);
  });

  it('refuses a zod 3 classic schema with "zod 4 schema expected" and the fix', () => {
    expect(() =>
      defineTool({
        name: "classic",
        description: "A zod 3 schema",
        // @ts-expect-error a zod 3 classic schema is not a zod 4 schema
        parameters: z3.object({ city: z3.string() }),
        execute: async () => "never",
      }),
    ).toThrow(/tool "classic": zod 4 schema expected, got a zod 3 schema\. .*"zod\/v4"/);
  });

  it("refuses a hand-built tool with a zod 3 schema in ToolRegistry too", () => {
    const handBuilt = {
      name: "classic",
      description: "A zod 3 schema",
      parameters: z3.object({ city: z3.string() }),
      onInterrupt: "abort" as const,
      execute: async () => "never",
    };
    // @ts-expect-error a zod 3 classic schema is not a zod 4 schema
    expect(() => new ToolRegistry([handBuilt])).toThrow(/zod 4 schema expected/);
  });
});
