import { createRequire } from "node:module";
import { pino, type DestinationStream } from "pino";
import { LOG_LEVELS, readEnvConfig, type LogLevel } from "./env-config.js";
import { SwitchboardError } from "./errors.js";

/** The subset of pino's API Switchboard uses; any pino logger (or a compatible one) fits. */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * Options of {@link createLogger}.
 * @example
 * const options: CreateLoggerOptions = { name: "my-agent", level: "debug", pretty: false };
 */
export interface CreateLoggerOptions {
  /** The `name` field of every line. Default `switchboard`. */
  name?: string;
  /** Default: `LOG_LEVEL`, else `info`. */
  level?: LogLevel;
  /**
   * Human-readable lines through `pino-pretty` (an optional peer dependency: install it) instead
   * of JSON. Default: `LOG_PRETTY` when set, else on when stdout is a TTY and `NODE_ENV` is not
   * `production`, if `pino-pretty` is installed.
   */
  pretty?: boolean;
}

/** One pretty-printing worker per process, shared by every pretty logger. */
let prettyStream: DestinationStream | undefined;

function prettyDestination(required: boolean): DestinationStream | undefined {
  if (prettyStream !== undefined) return prettyStream;
  let target: string;
  try {
    target = createRequire(import.meta.url).resolve("pino-pretty");
  } catch {
    if (!required) return undefined;
    throw new SwitchboardError(
      "CONFIG_ERROR",
      "Pretty logs need pino-pretty: npm install pino-pretty (or set LOG_PRETTY=0 for JSON logs)",
    );
  }
  prettyStream = pino.transport({
    target,
    options: { colorize: true, ignore: "pid,hostname", translateTime: "HH:MM:ss.l" },
  });
  return prettyStream;
}

/**
 * A root logger for an app: pino at `level` (default `LOG_LEVEL`, else `info`), JSON lines — or
 * human-readable ones on a TTY outside production (see {@link CreateLoggerOptions.pretty}). User
 * text under `content` is redacted when `LOG_REDACT_CONTENT` is set. Create one per app and pass
 * it as `logger`: the bus, nodes, tools and sessions log through children of it.
 * Throws a `CONFIG_ERROR` naming `LOG_LEVEL` or `LOG_PRETTY` when either is invalid.
 * @example
 * const log = createLogger({ name: "my-agent" });
 * log.info({ port: 8000 }, "listening");
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const env = readEnvConfig();
  const level = options.level ?? env.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new SwitchboardError(
      "CONFIG_ERROR",
      `Unknown log level ${JSON.stringify(level)}: expected one of ${LOG_LEVELS.join(", ")}`,
    );
  }
  const wantPretty =
    options.pretty ?? env.logPretty ?? (process.stdout.isTTY === true && !env.production);
  const explicit = options.pretty === true || env.logPretty === true;
  const destination = wantPretty ? prettyDestination(explicit) : undefined;
  const settings = {
    name: options.name ?? "switchboard",
    level,
    redact: env.logRedactContent ? ["content", "*.content"] : [],
  };
  return destination === undefined ? pino(settings) : pino(settings, destination);
}
