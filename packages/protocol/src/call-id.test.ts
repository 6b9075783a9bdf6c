import { describe, expect, it } from "vitest";
import { MAX_CALL_ID_LENGTH, newCallId } from "./call-id.js";

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

describe("newCallId", () => {
  it("is a random UUID, after the prefix when one is given", () => {
    expect(newCallId()).toMatch(new RegExp(`^${uuid}$`));
    expect(newCallId("cli")).toMatch(new RegExp(`^cli-${uuid}$`));
    expect(newCallId()).not.toBe(newCallId());
  });

  it("fits the server's limit", () => {
    expect(newCallId("test").length).toBeLessThanOrEqual(MAX_CALL_ID_LENGTH);
  });
});
