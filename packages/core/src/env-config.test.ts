import { describe, expect, it } from "vitest";
import { readEnvConfig } from "./env-config.js";
import { SwitchboardError } from "./errors.js";

function errorOf(env: Record<string, string>): SwitchboardError {
  try {
    readEnvConfig(env);
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error("readEnvConfig accepted the environment");
}

describe("readEnvConfig", () => {
  it("reads the defaults from an empty environment", () => {
    expect(readEnvConfig({})).toEqual({
      port: undefined,
      logLevel: "info",
      logPretty: undefined,
      logRedactContent: false,
      production: false,
    });
  });

  it("reads valid values", () => {
    expect(
      readEnvConfig({
        PORT: "8080",
        LOG_LEVEL: "debug",
        LOG_PRETTY: "0",
        LOG_REDACT_CONTENT: "1",
        NODE_ENV: "production",
      }),
    ).toEqual({
      port: 8080,
      logLevel: "debug",
      logPretty: false,
      logRedactContent: true,
      production: true,
    });
  });

  it("names PORT and its value when it is not a port", () => {
    for (const port of ["abc", "80.5", "-1", "70000"]) {
      const error = errorOf({ PORT: port });
      expect(error.code).toBe("CONFIG_ERROR");
      expect(error.message).toContain(
        `PORT=${JSON.stringify(port)}: expected a port number, 0 to 65535`,
      );
    }
  });

  it("names LOG_LEVEL and the levels it takes", () => {
    expect(errorOf({ LOG_LEVEL: "verbose" }).message).toContain(
      'LOG_LEVEL="verbose": expected one of fatal, error, warn, info, debug, trace, silent',
    );
  });

  it("reports every bad variable at once", () => {
    const { message } = errorOf({ PORT: "abc", LOG_LEVEL: "verbose", LOG_PRETTY: "yes" });
    expect(message).toMatch(/^Invalid environment: /);
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('LOG_LEVEL="verbose"');
    expect(message).toContain('LOG_PRETTY="yes"');
  });
});
