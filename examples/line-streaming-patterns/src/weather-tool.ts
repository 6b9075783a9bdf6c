import { defineTool } from "@switchboard/core";
import { z } from "zod";

/** A made-up forecast, so the examples show tool calls without any network. */
export const getWeather = defineTool({
  name: "get_weather",
  description: "Get the current weather for a city.",
  parameters: z.object({ city: z.string().describe("The city, e.g. Paris") }),
  execute: async ({ city }) => {
    const tempC = 12 + ([...city].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 15);
    return { city, tempC, conditions: tempC > 20 ? "sunny" : "partly cloudy" };
  },
});
