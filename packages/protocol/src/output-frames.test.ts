import { describe, expect, it } from "vitest";
import { isGenerationComplete, OUTPUT_FRAME_TYPES, parseOutputFrame } from "./output-frames.js";

describe("parseOutputFrame", () => {
  it.each([
    { type: "message", content: "Hi", generation_id: "g1" },
    { type: "message", content: "<break/>", chunk_type: "ssml" },
    { type: "tool_call", name: "get_weather", arguments: { city: "Paris" }, id: "call_1" },
    { type: "tool_call", name: "get_weather", arguments: {}, result: { tempC: 21 } },
    { type: "end_call" },
    { type: "transfer", target_phone_number: "+15550100" },
    { type: "log_event", event: "agent_paused", generation_id: "g2" },
    { type: "log_metric", name: "ttfc_ms", value: 12.5 },
    { type: "log_metric", name: "model", value: "gpt" },
    { type: "dtmf", button: "9" },
    { type: "error", content: "bad frame", code: "PROTOCOL_ERROR", correlation_id: "c-1" },
  ])("accepts $type frames", (frame) => {
    expect(parseOutputFrame(JSON.stringify(frame))).toEqual({ ok: true, frame });
  });

  it.each([
    [{ type: "message" }, 'invalid "message" frame: content:'],
    [{ type: "log_metric", name: "x", value: true }, 'invalid "log_metric" frame: value:'],
    [{ type: "message", content: "x", generation_id: 7 }, "generation_id:"],
    [{ type: "hello" }, 'unknown frame type "hello"'],
  ])("rejects %j", (frame, error) => {
    const parsed = parseOutputFrame(JSON.stringify(frame));
    expect(!parsed.ok && parsed.error).toContain(error);
  });

  it("lists every type", () => {
    expect(OUTPUT_FRAME_TYPES).toEqual([
      "message",
      "tool_call",
      "end_call",
      "transfer",
      "log_event",
      "log_metric",
      "dtmf",
      "error",
    ]);
  });
});

describe("isGenerationComplete", () => {
  it("is true only for log_event generation_complete", () => {
    expect(isGenerationComplete({ type: "log_event", event: "generation_complete" })).toBe(true);
    expect(isGenerationComplete({ type: "log_event", event: "agent_paused" })).toBe(false);
    expect(isGenerationComplete({ type: "message", event: "generation_complete" })).toBe(false);
  });
});
