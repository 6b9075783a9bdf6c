import { defineTool } from "@switchboard/core";
import { z } from "zod";

export const getWeather = defineTool({
  name: "get_weather",
  description: "Current weather for a city.",
  parameters: z.object({
    city: z.string().describe("City name, e.g. Paris"),
    unit: z.enum(["celsius", "fahrenheit"]).default("celsius"),
  }),
  // Arguments are typed from the schema: { city: string; unit: "celsius" | "fahrenheit" }.
  execute: async ({ city, unit }, { signal }) => {
    const res = await fetch(`https://example.com/weather?city=${encodeURIComponent(city)}`, {
      signal, // aborted on timeout and when the generation is interrupted
    });
    const { tempC } = (await res.json()) as { tempC: number };
    return { city, temp: unit === "celsius" ? tempC : tempC * 1.8 + 32, unit };
  },
});
