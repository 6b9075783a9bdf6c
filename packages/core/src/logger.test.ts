import { pino } from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SwitchboardError } from "./errors.js";
import { createLogger } from "./logger.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createLogger", () => {
  it("takes level and pretty: JSON at the given level when pretty is off", () => {
    const log = createLogger({ level: "warn", pretty: false }) as unknown as { level: string };
    expect(log.level).toBe("warn");
  });

  it("refuses LOG_LEVEL=verbose, naming the variable", () => {
    vi.stubEnv("LOG_LEVEL", "verbose");
    expect(() => createLogger()).toThrow(SwitchboardError);
    expect(() => createLogger()).toThrow(/LOG_LEVEL="verbose": expected one of fatal, error/);
  });

  it("refuses an unknown level given in code", () => {
    // @ts-expect-error not a log level
    expect(() => createLogger({ level: "verbose" })).toThrow(/Unknown log level "verbose"/);
  });

  it("writes JSON in production even when LOG_LEVEL is valid and stdout is a TTY", () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("LOG_LEVEL", "debug");
    const wasTTY = Object.getOwnPropertyDescriptor(process.stdout, "isTTY");
    Object.defineProperty(process.stdout, "isTTY", { value: true, configurable: true });
    try {
      const log = createLogger() as unknown as { level: string; [key: symbol]: unknown };
      expect(log.level).toBe("debug");
      // pino's own destination (sonic-boom on fd 1), not the pretty transport's worker stream.
      const stream = log[pino.symbols.streamSym] as { fd?: number };
      expect(stream.fd).toBe(1);
    } finally {
      if (wasTTY === undefined) delete (process.stdout as { isTTY?: boolean }).isTTY;
      else Object.defineProperty(process.stdout, "isTTY", wasTTY);
    }
  });

  it("pretty: true prints through one shared pino-pretty transport", () => {
    const first = createLogger({ pretty: true }) as unknown as { [key: symbol]: unknown };
    const second = createLogger({ pretty: true, level: "debug" }) as unknown as {
      [key: symbol]: unknown;
    };
    const stream = first[pino.symbols.streamSym] as { fd?: number };
    expect(stream.fd).toBeUndefined();
    expect(second[pino.symbols.streamSym]).toBe(stream);
  });
});
