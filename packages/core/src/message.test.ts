import { describe, expect, it } from "vitest";
import { UserStoppedSpeaking } from "./events.js";
import { Message, nextGenerationId } from "./message.js";

describe("Message", () => {
  it("defaults id to a UUID and timestamp to now in ms, generationId unset", () => {
    const before = Date.now();
    const m = new Message({ source: "user", event: new UserStoppedSpeaking() });
    const after = Date.now();
    expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(m.timestamp).toBeGreaterThanOrEqual(before);
    expect(m.timestamp).toBeLessThanOrEqual(after);
    expect(m.generationId).toBeUndefined();
    expect(m.source).toBe("user");
    expect(m.event).toBeInstanceOf(UserStoppedSpeaking);
    expect(new Message({ source: "u", event: {} }).id).not.toBe(m.id);
  });

  it("makes a distinct UUID-format id for every message", () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const ids = Array.from({ length: 10_000 }, () => new Message({ source: "u", event: {} }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => uuid.test(id))).toBe(true);
  });

  it("draws short, distinct generation ids: a per-process prefix and a counter", () => {
    const ids = Array.from({ length: 10_000 }, () => nextGenerationId());
    expect(new Set(ids).size).toBe(ids.length);
    // Every frame of an answer carries one: a UUID's 36 characters were a quarter of a chunk's frame.
    expect(ids.every((id) => /^[\w-]{8}[0-9a-z]{1,11}$/.test(id))).toBe(true);
    expect(Math.max(...ids.map((id) => id.length))).toBeLessThanOrEqual(12);
    expect(new Set(ids.map((id) => id.slice(0, 8))).size).toBe(1);
  });

  it("keeps what it is given", () => {
    const event = new UserStoppedSpeaking();
    const m = new Message({ source: "agent", event, id: "m1", timestamp: 5, generationId: "g1" });
    expect(m).toMatchObject({ id: "m1", source: "agent", timestamp: 5, generationId: "g1" });
    expect(m.event).toBe(event);
  });
});
