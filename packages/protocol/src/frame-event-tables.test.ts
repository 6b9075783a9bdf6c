import { describe, expect, it } from "vitest";
import {
  INPUT_FRAME_EVENTS,
  OUTPUT_FRAME_EVENTS,
  inputFrameEvent,
  outputFrameFor,
  type OutputFrameRow,
} from "./frame-event-tables.js";
import { INPUT_FRAME_TYPES } from "./input-frames.js";
import { outputFrameSchemas } from "./output-frames.js";

const row = (event: string): OutputFrameRow => {
  const found = OUTPUT_FRAME_EVENTS.find((r) => r.event === event);
  if (found === undefined) throw new Error(`no row for ${event}`);
  return found;
};

describe("INPUT_FRAME_EVENTS", () => {
  it("has a row for every input frame type", () => {
    expect(new Set(INPUT_FRAME_EVENTS.map((r) => r.frame))).toEqual(new Set(INPUT_FRAME_TYPES));
  });

  it.each([
    [
      { type: "message", content: "hi" },
      { alias: "user.transcription", init: { content: "hi" } },
    ],
    [
      { type: "user_state", value: "speaking" },
      { alias: "user.started_speaking", init: {} },
    ],
    [
      { type: "user_state", value: "idle" },
      { alias: "user.stopped_speaking", init: {} },
    ],
    [
      { type: "agent_state", value: "speaking" },
      { alias: "agent.started_speaking", init: {} },
    ],
    [
      { type: "agent_state", value: "idle" },
      { alias: "agent.stopped_speaking", init: {} },
    ],
    [
      { type: "agent_speech", content: "He" },
      { alias: "agent.speech_sent", init: { content: "He" } },
    ],
    [
      { type: "dtmf", button: "*" },
      { alias: "dtmf.input", init: { button: "*" } },
    ],
  ] as const)("maps %j", (frame, expected) => {
    expect(inputFrameEvent(frame)).toEqual(expected);
  });
});

describe("outputFrameFor", () => {
  it("sends a barge-in hold and resume as log_event agent_paused / agent_resumed", () => {
    expect(outputFrameFor(row("agent.paused"), {})).toEqual({
      type: "log_event",
      event: "agent_paused",
    });
    expect(outputFrameFor(row("agent.resumed"), {})).toEqual({
      type: "log_event",
      event: "agent_resumed",
    });
  });

  it("copies fields and leaves out undefined ones and defaults", () => {
    expect(outputFrameFor(row("agent.response"), { content: "Hi", chunkType: "text" })).toEqual({
      type: "message",
      content: "Hi",
    });
    expect(outputFrameFor(row("agent.response"), { content: "<p/>", chunkType: "ssml" })).toEqual({
      type: "message",
      content: "<p/>",
      chunk_type: "ssml",
    });
    expect(outputFrameFor(row("agent.error"), { error: "boom", code: undefined })).toEqual({
      type: "error",
      content: "boom",
    });
  });

  it("sends a failed tool call's error text as its result", () => {
    const failed = { toolName: "t", toolArgs: {}, error: "nope", resultStr: "Error: nope" };
    expect(outputFrameFor(row("tool.result"), failed)).toEqual({
      type: "tool_call",
      name: "t",
      arguments: {},
      result: "Error: nope",
    });
    const ok = { toolName: "t", toolArgs: { a: 1 }, result: { x: 1 }, toolCallId: "c1" };
    expect(outputFrameFor(row("tool.result"), ok)).toEqual({
      type: "tool_call",
      name: "t",
      arguments: { a: 1 },
      result: { x: 1 },
      id: "c1",
    });
  });

  it("builds generation_complete with its metadata object", () => {
    expect(
      outputFrameFor(row("agent.generation_complete"), { totalLength: 5, chunkCount: 1 }),
    ).toEqual({
      type: "log_event",
      event: "generation_complete",
      metadata: { total_length: 5, chunk_count: 1 },
    });
  });

  it("returns a new frame, fields in row order, on every call of the same row", () => {
    const response = row("agent.generation_complete");
    const first = outputFrameFor(response, { totalLength: 5, chunkCount: 1, interrupted: false });
    (first as Record<string, unknown>)["generation_id"] = "g1";
    const second = outputFrameFor(response, { totalLength: 2 });
    expect(second).not.toBe(first);
    expect(second).toEqual({
      type: "log_event",
      event: "generation_complete",
      metadata: { total_length: 2 },
    });
    expect(Object.keys(first)).toEqual(["type", "event", "metadata", "generation_id"]);
    const chunk = row("agent.response");
    expect(JSON.stringify(outputFrameFor(chunk, { content: "a", chunkType: "ssml" }))).toBe(
      '{"type":"message","content":"a","chunk_type":"ssml"}',
    );
    expect(outputFrameFor(chunk, { content: "b", chunkType: "text" })).toEqual({
      type: "message",
      content: "b",
    });
  });

  it("produces frames that validate against the schemas", () => {
    const samples: Record<string, object> = {
      "agent.response": { content: "x", chunkType: "text" },
      "tool.call": { toolName: "t", toolArgs: {}, toolCallId: "c" },
      "tool.result": { toolName: "t", toolArgs: {}, result: 1 },
      "call.end": {},
      "agent.error": { error: "e", code: "LLM_ERROR" },
      "call.transfer": { targetPhoneNumber: "+1555" },
      "log.metric": { name: "m", value: 1 },
      "dtmf.output": { button: "1" },
      "agent.generation_complete": { interrupted: true },
      "agent.paused": {},
      "agent.resumed": {},
    };
    for (const r of OUTPUT_FRAME_EVENTS) {
      const frame = outputFrameFor(r, samples[r.event] ?? {});
      expect(outputFrameSchemas[frame.type].safeParse(frame).success, r.event).toBe(true);
    }
    expect(Object.keys(samples)).toEqual(OUTPUT_FRAME_EVENTS.map((r) => r.event));
  });
});
