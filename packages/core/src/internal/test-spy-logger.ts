import type { Logger } from "../logger.js";

/** One line a {@link SpyLogger} recorded: its level, message and merged fields (child bindings included). */
export interface LogLine {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly msg: string | undefined;
  readonly fields: Record<string, unknown>;
}

/** A pino-compatible logger that keeps every line in memory, for tests that assert on logs. */
export class SpyLogger implements Logger {
  readonly lines: LogLine[];
  readonly #bindings: Record<string, unknown>;

  constructor(bindings: Record<string, unknown> = {}, lines: LogLine[] = []) {
    this.#bindings = bindings;
    this.lines = lines;
  }

  child(bindings: Record<string, unknown>): Logger {
    return new SpyLogger({ ...this.#bindings, ...bindings }, this.lines);
  }
  debug(obj: object, msg?: string): void {
    this.#push("debug", obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.#push("info", obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.#push("warn", obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.#push("error", obj, msg);
  }

  /** Lines above debug. */
  get loud(): LogLine[] {
    return this.lines.filter((line) => line.level !== "debug");
  }

  #push(level: LogLine["level"], obj: object, msg: string | undefined): void {
    this.lines.push({ level, msg, fields: { ...this.#bindings, ...obj } });
  }
}
