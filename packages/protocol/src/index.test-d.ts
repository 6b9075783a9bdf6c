import { expectTypeOf, test } from "vitest";
import type { InputFrame, OutputFrame, OutputFrameOf, Transport, TransportEnd } from "./index.js";
import { parseOutputFrame } from "./index.js";

test("frames are discriminated unions", () => {
  expectTypeOf<InputFrame["type"]>().toEqualTypeOf<
    "message" | "user_state" | "agent_state" | "agent_speech" | "dtmf"
  >();
  expectTypeOf<OutputFrameOf<"transfer">>().toHaveProperty("target_phone_number");
  expectTypeOf<OutputFrameOf<"error">["code"]>().toEqualTypeOf<string | undefined>();
  expectTypeOf<OutputFrame["generation_id"]>().toEqualTypeOf<string | undefined>();
  // @ts-expect-error: a message needs content
  const bad: OutputFrame = { type: "message" };
  void bad;
  const parsed = parseOutputFrame("{}");
  if (parsed.ok) expectTypeOf(parsed.frame).toEqualTypeOf<OutputFrame>();
});

test("Transport", () => {
  expectTypeOf<Transport["send"]>().parameter(0).toEqualTypeOf<OutputFrame>();
  expectTypeOf<Transport["ended"]>().toEqualTypeOf<Promise<TransportEnd>>();
});
