import { describe, expect, it } from "vitest";
import { UserStoppedSpeaking } from "./events.js";
import { Message } from "./message.js";

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

  it("keeps what it is given", () => {
    const event = new UserStoppedSpeaking();
    const m = new Message({ source: "agent", event, id: "m1", timestamp: 5, generationId: "g1" });
    expect(m).toMatchObject({ id: "m1", source: "agent", timestamp: 5, generationId: "g1" });
    expect(m.event).toBe(event);
  });
});
