import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { ToolCall, type ToolResult } from "../events.js";
import { defineTool, type Tool, type ToolContext } from "./define-tool.js";
import { ToolRegistry } from "./tool-registry.js";
import type { ModelToolCall } from "./parse-tool-call.js";
import type { ToolSchema } from "./tool-json-schema.js";

const parameters = z.object({
  city: z.string(),
  days: z.number().default(1),
  unit: z.enum(["c", "f"]).optional(),
});

describe("defineTool", () => {
  it("types execute's arguments as the schema's output", () => {
    defineTool({
      name: "get_weather",
      description: "",
      parameters,
      execute: async (args, context) => {
        expectTypeOf(args).toEqualTypeOf<z.infer<typeof parameters>>();
        expectTypeOf(args.days).toEqualTypeOf<number>();
        expectTypeOf(context).toEqualTypeOf<ToolContext>();
        expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
        return { tempC: 21 };
      },
    });
  });

  it("infers Tool<Args, Result> from the schema and execute", () => {
    const tool = defineTool({
      name: "t",
      description: "",
      parameters,
      execute: async () => ({ tempC: 21 }),
    });
    expectTypeOf(tool).toEqualTypeOf<Tool<z.infer<typeof parameters>, { tempC: number }>>();
    expectTypeOf(tool.execute).parameter(0).toEqualTypeOf<z.infer<typeof parameters>>();
    expectTypeOf(
      defineTool({ name: "s", description: "", parameters, execute: () => "sync" }),
    ).toEqualTypeOf<Tool<z.infer<typeof parameters>, string>>();
  });

  it("rejects an execute whose arguments do not match the schema", () => {
    defineTool({
      name: "t",
      description: "",
      parameters,
      // @ts-expect-error -- the schema has no `town`
      execute: (args: { town: string }) => args.town,
    });
    defineTool({
      name: "t",
      description: "",
      parameters,
      execute: ({ city }) => {
        // @ts-expect-error -- `city` is a string
        const count: number = city;
        return count;
      },
    });
  });

  it("rejects parameters that are not an object schema, and a bad onInterrupt", () => {
    // @ts-expect-error -- the model's arguments are always an object
    defineTool({ name: "t", description: "", parameters: z.string(), execute: () => 1 });
    // @ts-expect-error -- "abort" or "continue"
    defineTool({ name: "t", description: "", parameters, onInterrupt: "ignore", execute: () => 1 });
  });
});

describe("ToolRegistry", () => {
  const a = defineTool({ name: "a", description: "", parameters, execute: () => 1 });
  const b = defineTool({
    name: "b",
    description: "",
    parameters: z.object({}),
    execute: async () => "x",
  });

  it("takes tools of different argument and result types", () => {
    const registry = new ToolRegistry([a, b], {
      onBackgroundResult: (result) => expectTypeOf(result).toEqualTypeOf<ToolResult>(),
    });
    expectTypeOf(ToolRegistry.from([a, b])).toEqualTypeOf<ToolRegistry>();
    expectTypeOf(ToolRegistry.from(registry)).toEqualTypeOf<ToolRegistry>();
    expectTypeOf(registry.get("a")).toEqualTypeOf<Tool | undefined>();
    expectTypeOf([...registry]).toEqualTypeOf<Tool[]>();
    expectTypeOf(registry.names).toEqualTypeOf<string[]>();
    expectTypeOf(registry.schemas).toEqualTypeOf<ToolSchema[]>();
  });

  it("executes ToolCall events and model-style calls", () => {
    const registry = new ToolRegistry([a]);
    const modelCall: ModelToolCall = { id: "c", name: "a", arguments: '{"city":"Oslo"}' };
    expectTypeOf(
      registry.execute([
        new ToolCall({ toolName: "a" }),
        modelCall,
        { id: "d", name: "a", arguments: {} },
      ]),
    ).toEqualTypeOf<Promise<ToolResult[]>>();
    // @ts-expect-error -- a call needs a name
    void registry.execute([{ id: "c", arguments: "{}" }]);
    // @ts-expect-error -- parallel is a boolean
    void registry.execute([], { parallel: "yes" });
  });
});
