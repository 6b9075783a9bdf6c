import { z } from "zod/v4";
import { SwitchboardError } from "../errors.js";
import type { Tool } from "./define-tool.js";

/**
 * A JSON Schema document, as plain JSON.
 * @example
 * const schema: JsonSchema = { type: "object", properties: { city: { type: "string" } } };
 */
export type JsonSchema = { [key: string]: unknown };

/**
 * One entry of an OpenAI chat request's `tools`: a function tool and its parameters' JSON Schema.
 * @example
 * const schema: ToolSchema = {
 *   type: "function",
 *   function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: {} } },
 * };
 */
export interface ToolSchema {
  type: "function";
  function: { name: string; description: string; parameters: JsonSchema };
}

/**
 * Builds the OpenAI function-tool entry for `tool`: its parameters as draft-07 JSON Schema of
 * what the model must send (defaults stay optional), without `$schema`, objects closed with
 * `additionalProperties: false` unless the zod object is loose.
 * Throws a `TOOL_ERROR` when the schema cannot be expressed in JSON Schema or is not an object.
 */
export function toToolSchema(tool: Tool): ToolSchema {
  let parameters: JsonSchema;
  try {
    parameters = z.toJSONSchema(tool.parameters, {
      target: "draft-7",
      io: "input",
      override: closeObjects,
    });
  } catch (error) {
    throw new SwitchboardError(
      "TOOL_ERROR",
      `The parameters of tool "${tool.name}" cannot be expressed as JSON Schema`,
      { cause: error },
    );
  }
  delete parameters["$schema"];
  if (parameters["type"] !== "object") {
    throw new SwitchboardError(
      "TOOL_ERROR",
      `The parameters of tool "${tool.name}" must be an object schema, such as z.object({...})`,
    );
  }
  return {
    type: "function",
    function: { name: tool.name, description: tool.description, parameters },
  };
}

/**
 * Input-mode JSON Schema leaves a stripping `z.object` open; the model should not invent fields,
 * so it is closed like zod's output mode does. Loose and catch-all objects already say what they allow.
 */
function closeObjects(ctx: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: z.core.JSONSchema.BaseSchema;
}): void {
  if (
    ctx.zodSchema._zod.def.type === "object" &&
    ctx.jsonSchema.additionalProperties === undefined
  ) {
    ctx.jsonSchema.additionalProperties = false;
  }
}
