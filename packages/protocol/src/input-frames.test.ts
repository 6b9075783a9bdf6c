import { describe, expect, it } from "vitest";
import { INPUT_FRAME_TYPES, parseInputFrame } from "./input-frames.js";

describe("parseInputFrame", () => {
  it.each([
    ['{"type":"message","content":"hi"}', { type: "message", content: "hi" }],
    ['{"type":"user_state","value":"speaking"}', { type: "user_state", value: "speaking" }],
    ['{"type":"agent_speech","content":"Hel"}', { type: "agent_speech", content: "Hel" }],
    ['{"type":"dtmf","button":"#"}', { type: "dtmf", button: "#" }],
  ])("accepts %s", (text, frame) => {
    expect(parseInputFrame(text)).toEqual({ ok: true, frame });
  });

  it("drops extra fields (Line clients send some)", () => {
    expect(parseInputFrame('{"type":"message","content":"hi","lang":"en"}')).toEqual({
      ok: true,
      frame: { type: "message", content: "hi" },
    });
  });

  it.each([
    ["hi", /^frame is not valid JSON: /],
    ["[1]", /^frame must be a JSON object with a string "type"$/],
    ['{"content":"x"}', /^frame is missing a string "type" field$/],
    [
      '{"type":"shout"}',
      /^unknown frame type "shout"; expected one of message, user_state, agent_state, agent_speech, dtmf$/,
    ],
    [
      '{"type":"dtmf","button":"55"}',
      /^invalid "dtmf" frame: button: expected one of 0-9, \*, #, A-D$/,
    ],
    [
      '{"type":"user_state"}',
      /^invalid "user_state" frame: value: Invalid option: expected one of "speaking"\|"idle"$/,
    ],
  ])("rejects %s with a clear error", (text, error) => {
    const parsed = parseInputFrame(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(error);
  });

  it("keeps an absurdly long unknown type short in the error", () => {
    const parsed = parseInputFrame(JSON.stringify({ type: "x".repeat(10_000) }));
    expect(!parsed.ok && parsed.error.length).toBeLessThan(200);
  });

  it("does not treat inherited names as frame types", () => {
    expect(parseInputFrame('{"type":"constructor"}').ok).toBe(false);
    expect(parseInputFrame('{"type":"toString"}').ok).toBe(false);
  });

  it("lists every type", () => {
    expect(INPUT_FRAME_TYPES).toEqual([
      "message",
      "user_state",
      "agent_state",
      "agent_speech",
      "dtmf",
    ]);
  });
});
