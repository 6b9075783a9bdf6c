import { describe, expect, it } from "vitest";
import { ToolCallAccumulator } from "./tool-call-accumulator.js";

describe("ToolCallAccumulator", () => {
  it("joins argument fragments per index and returns calls in index order", () => {
    const calls = new ToolCallAccumulator();
    calls.add([{ index: 1, id: "b", function: { name: "two", arguments: "" } }]);
    calls.add([{ index: 0, id: "a", function: { name: "one", arguments: '{"x"' } }]);
    calls.add([
      { index: 1, function: { arguments: "{}" } },
      { index: 0, function: { arguments: ":1}" } },
    ]);
    expect(calls.complete()).toEqual([
      { id: "a", name: "one", arguments: '{"x":1}' },
      { id: "b", name: "two", arguments: "{}" },
    ]);
  });

  it("does not double a name a server repeats in later deltas", () => {
    const calls = new ToolCallAccumulator();
    calls.add([{ index: 0, id: "a", function: { name: "get_weather", arguments: "{" } }]);
    calls.add([{ index: 0, id: "a", function: { name: "get_weather", arguments: "}" } }]);
    expect(calls.complete()).toEqual([{ id: "a", name: "get_weather", arguments: "{}" }]);
  });

  it("gives a call without an id a unique one", () => {
    const calls = new ToolCallAccumulator();
    calls.add([{ index: 0, function: { name: "a", arguments: "{}" } }]);
    calls.add([{ index: 1, function: { name: "b", arguments: "{}" } }]);
    const [first, second] = calls.complete();
    expect(first!.id).toMatch(/^call_/);
    expect(second!.id).not.toBe(first!.id);
  });

  it("reports whether any call was seen", () => {
    const calls = new ToolCallAccumulator();
    expect(calls.hasCalls).toBe(false);
    calls.add([{ index: 0, id: "a" }]);
    expect(calls.hasCalls).toBe(true);
  });
});
