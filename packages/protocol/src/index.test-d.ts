import { expectTypeOf, test } from "vitest";
import type { z } from "zod";
import type {
  InputFrame,
  OutputFrame,
  OutputFrameOf,
  OutputFrameType,
  Transport,
  TransportEnd,
} from "./index.js";
import { parseOutputFrame, type outputFrameSchemas } from "./index.js";

type SchemaFrame<T extends OutputFrameType> = z.output<(typeof outputFrameSchemas)[T]>;

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

test("every OutputFrame variant fits its schema, and the schema's output fits the variant's fields", () => {
  expectTypeOf<OutputFrameOf<"message">>().toExtend<SchemaFrame<"message">>();
  expectTypeOf<OutputFrameOf<"tool_call">>().toExtend<SchemaFrame<"tool_call">>();
  expectTypeOf<OutputFrameOf<"end_call">>().toExtend<SchemaFrame<"end_call">>();
  expectTypeOf<OutputFrameOf<"transfer">>().toExtend<SchemaFrame<"transfer">>();
  expectTypeOf<OutputFrameOf<"log_event">>().toExtend<SchemaFrame<"log_event">>();
  expectTypeOf<OutputFrameOf<"log_metric">>().toExtend<SchemaFrame<"log_metric">>();
  expectTypeOf<OutputFrameOf<"dtmf">>().toExtend<SchemaFrame<"dtmf">>();
  expectTypeOf<OutputFrameOf<"error">>().toExtend<SchemaFrame<"error">>();
  expectTypeOf<keyof SchemaFrame<"error">>().toEqualTypeOf<keyof OutputFrameOf<"error">>();
  expectTypeOf<keyof SchemaFrame<"message">>().toEqualTypeOf<keyof OutputFrameOf<"message">>();
  expectTypeOf<keyof SchemaFrame<"tool_call">>().toEqualTypeOf<keyof OutputFrameOf<"tool_call">>();
  expectTypeOf<keyof SchemaFrame<"log_event">>().toEqualTypeOf<keyof OutputFrameOf<"log_event">>();
});
