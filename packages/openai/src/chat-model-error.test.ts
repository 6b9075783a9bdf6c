import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { toChatModelError } from "./chat-model-error.js";

/** An error from another copy (or major version) of the openai SDK: same shape, another class. */
class ForeignAPIError extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
    readonly headers: unknown = new Headers(),
    name = "APIError",
  ) {
    super(message);
    this.name = name;
  }
}

describe("toChatModelError", () => {
  it("classifies a 401 from a foreign openai copy as auth, not retryable (not a connection error)", () => {
    const error = toChatModelError(
      new ForeignAPIError(401, "Incorrect API key", new Headers(), "AuthenticationError"),
    );
    expect(error).toMatchObject({ kind: "auth", status: 401, retryable: false });
  });

  it.each([
    [403, "auth", false],
    [429, "rate_limit", true],
    [500, "server", true],
    [503, "server", true],
    [408, "server", true],
    [400, "bad_request", false],
    [404, "bad_request", false],
  ] as const)("reads status %i as %s (retryable %s)", (status, kind, retryable) => {
    expect(toChatModelError(new ForeignAPIError(status, "x"))).toMatchObject({
      kind,
      status,
      retryable,
    });
  });

  it("reads retry-after from fetch Headers and from a plain record", () => {
    const fromHeaders = new ForeignAPIError(
      429,
      "slow down",
      new Headers({ "retry-after-ms": "120" }),
    );
    const fromRecord = new ForeignAPIError(429, "slow down", { "retry-after": "2" });
    expect(toChatModelError(fromHeaders).retryAfterMs).toBe(120);
    expect(toChatModelError(fromRecord).retryAfterMs).toBe(2000);
  });

  it("classifies by name: connection errors (any copy) are connection, a status-less APIError is stream", () => {
    expect(
      toChatModelError(new ForeignAPIError(undefined, "refused", undefined, "APIConnectionError"))
        .kind,
    ).toBe("connection");
    expect(
      toChatModelError(
        new ForeignAPIError(undefined, "timed out", undefined, "APIConnectionTimeoutError"),
      ).kind,
    ).toBe("connection");
    expect(
      toChatModelError(new ForeignAPIError(undefined, "overloaded", undefined, "APIError")).kind,
    ).toBe("stream");
  });

  it("still classifies this package's own openai errors", () => {
    const auth = OpenAI.APIError.generate(
      401,
      { error: { message: "bad key" } },
      "bad key",
      new Headers(),
    );
    expect(toChatModelError(auth)).toMatchObject({ kind: "auth", status: 401, retryable: false });
    const refused = new OpenAI.APIConnectionError({ message: "Connection error." });
    expect(toChatModelError(refused)).toMatchObject({ kind: "connection", retryable: true });
  });

  it("treats a SyntaxError as a malformed stream and anything else as a dropped connection", () => {
    expect(toChatModelError(new SyntaxError("Unexpected token"))).toMatchObject({ kind: "stream" });
    expect(toChatModelError(new TypeError("terminated"))).toMatchObject({ kind: "connection" });
  });
});
