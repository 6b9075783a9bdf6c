import {
  AgentSpeechSent,
  AgentStartedSpeaking,
  AgentStoppedSpeaking,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { parseInputFrame } from "./frames.js";

describe("parseInputFrame", () => {
  it.each([
    ['{"type":"message","content":"hi"}', new UserTranscriptionReceived({ content: "hi" })],
    ['{"type":"user_state","value":"speaking"}', new UserStartedSpeaking()],
    ['{"type":"user_state","value":"idle"}', new UserStoppedSpeaking()],
    ['{"type":"agent_state","value":"speaking"}', new AgentStartedSpeaking()],
    ['{"type":"agent_state","value":"idle"}', new AgentStoppedSpeaking()],
    [
      '{"type":"agent_speech","content":"Hello, wor"}',
      new AgentSpeechSent({ content: "Hello, wor" }),
    ],
    ['{"type":"dtmf","button":"*"}', new DTMFInputEvent({ button: "*" })],
  ])("turns %s into its event", (text, event) => {
    const parsed = parseInputFrame(text);
    expect(parsed.ok && parsed.event).toEqual(event);
    expect(parsed.ok && parsed.event.constructor).toBe(event.constructor);
  });

  it("ignores extra fields (Line clients send some)", () => {
    expect(parseInputFrame('{"type":"message","content":"hi","lang":"en"}')).toMatchObject({
      ok: true,
    });
  });

  it("names every problem of an invalid frame", () => {
    expect(parseInputFrame('{"type":"user_state"}')).toEqual({
      ok: false,
      error: 'invalid "user_state" frame: value: Invalid option: expected one of "speaking"|"idle"',
    });
  });

  it("keeps an absurdly long unknown type short in the error", () => {
    const parsed = parseInputFrame(JSON.stringify({ type: "x".repeat(10_000) }));
    expect(!parsed.ok && parsed.error.length).toBeLessThan(200);
  });
});
