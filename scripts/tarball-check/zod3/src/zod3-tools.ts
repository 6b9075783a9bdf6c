// A user on zod 3.25: tools take schemas from its `zod/v4` subpath; a classic zod 3 schema is
// refused with a clear error.
import { defineTool, ToolRegistry } from "@switchboard/core";
import { z as z3 } from "zod";
import { z } from "zod/v4";

const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => ({ city, tempC: 21 }),
});
const tools = new ToolRegistry([getWeather]);
const [result] = await tools.execute([
  { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
]);
if (result?.resultStr !== '{"city":"Paris","tempC":21}')
  throw new Error(`tool: ${result?.resultStr}`);
const [bad] = await tools.execute([
  { id: "call_2", name: "get_weather", arguments: '{"town":"Paris"}' },
]);
if (bad?.error === undefined) throw new Error("a schema mismatch was not reported");
if (JSON.stringify(tools.schemas[0]?.function.parameters["required"]) !== '["city"]') {
  throw new Error(`schema: ${JSON.stringify(tools.schemas[0])}`);
}
console.log("zod 3.25 (zod/v4) tool: ok");

let refused = "";
try {
  defineTool({
    name: "classic",
    description: "A zod 3 classic schema.",
    // @ts-expect-error a classic zod 3 schema is not a zod 4 schema
    parameters: z3.object({ city: z3.string() }),
    execute: async () => "never",
  });
} catch (error) {
  refused = error instanceof Error ? error.message : String(error);
}
if (!refused.includes("zod 4 schema expected")) throw new Error(`classic zod 3 schema: ${refused}`);
console.log(`zod 3 classic schema refused: ok (${refused})`);
