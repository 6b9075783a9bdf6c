import { expectTypeOf, it } from "vitest";
import { toToolCall, type ModelToolCall, type ToolCall } from "../index.js";

it("toToolCall takes a model's call (raw JSON or object arguments) and returns a ToolCall", () => {
  expectTypeOf(toToolCall).parameter(0).toEqualTypeOf<ModelToolCall>();
  expectTypeOf(toToolCall({ id: "c", name: "n", arguments: "{}" })).toEqualTypeOf<ToolCall>();
  // @ts-expect-error a call needs a name
  toToolCall({ id: "c", arguments: "{}" });
});
