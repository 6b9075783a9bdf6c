import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SwitchboardError } from "../errors.js";
import { defineTool } from "./define-tool.js";

const base = { description: "d", parameters: z.object({}), execute: () => "ok" };

describe("defineTool", () => {
  it("returns the tool with onInterrupt defaulting to abort", () => {
    const tool = defineTool({ name: "get_weather", ...base });
    expect(tool.name).toBe("get_weather");
    expect(tool.description).toBe("d");
    expect(tool.onInterrupt).toBe("abort");
    expect(tool.execute({}, { signal: new AbortController().signal, toolCallId: "c" })).toBe("ok");
  });

  it("keeps onInterrupt: continue", () => {
    expect(defineTool({ name: "log_note", onInterrupt: "continue", ...base }).onInterrupt).toBe(
      "continue",
    );
  });

  it.each(["a", "get-weather_2", "x".repeat(64)])("accepts the name %j", (name) => {
    expect(defineTool({ name, ...base }).name).toBe(name);
  });

  it.each(["", "get weather", "get.weather", "météo", "x".repeat(65)])(
    "rejects the name %j with TOOL_ERROR",
    (name) => {
      const define = () => defineTool({ name, ...base });
      expect(define).toThrow(SwitchboardError);
      expect(define).toThrow(expect.objectContaining({ code: "TOOL_ERROR" }));
    },
  );
});
