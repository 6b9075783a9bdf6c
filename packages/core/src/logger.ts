import { pino } from "pino";

/** The subset of pino's API Switchboard uses; any pino logger (or a compatible one) fits. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The default logger: pino at `LOG_LEVEL` (default `info`), user text redacted under `content`
 * only when `LOG_REDACT_CONTENT` is set.
 * @example
 * const log = createLogger({ name: "my-agent" });
 * log.info({ port: 8000 }, "listening");
 */
export function createLogger(options: { name?: string; level?: string } = {}): Logger {
  const redact = process.env["LOG_REDACT_CONTENT"] ? ["content", "*.content"] : [];
  return pino({
    name: options.name ?? "switchboard",
    level: options.level ?? process.env["LOG_LEVEL"] ?? "info",
    redact,
  });
}
