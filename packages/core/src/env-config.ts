import { z } from "zod/v4";
import { SwitchboardError } from "./errors.js";

/** pino's levels, plus `silent`. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * A log level: one of pino's (`fatal`, `error`, `warn`, `info`, `debug`, `trace`) or `silent`.
 * @example
 * const level: LogLevel = "debug";
 */
export type LogLevel = (typeof LOG_LEVELS)[number];

const flag = z
  .enum(["", "0", "1", "true", "false"], { error: 'expected "1", "true", "0" or "false"' })
  .optional()
  .transform((value) => value === "1" || value === "true");

const envSchema = z.object({
  NODE_ENV: z.string().optional(),
  PORT: z
    .string()
    .regex(/^\d+$/, { error: "expected a port number, 0 to 65535" })
    .transform(Number)
    .refine((port) => port <= 65_535, { error: "expected a port number, 0 to 65535" })
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` }).optional(),
  LOG_PRETTY: flag,
  LOG_REDACT_CONTENT: z.string().optional(),
});

/**
 * The environment variables Switchboard's core and server read, validated
 * (docs/guide/environment.md lists every variable).
 * @example
 * const { port, logLevel, production } = readEnvConfig();
 */
export interface EnvConfig {
  /** `PORT`, when set. */
  readonly port: number | undefined;
  /** `LOG_LEVEL`, default `info`. */
  readonly logLevel: LogLevel;
  /** `LOG_PRETTY`: force (`1`) or forbid (`0`) human-readable logs; unset means "on a TTY outside production". */
  readonly logPretty: boolean | undefined;
  /** `LOG_REDACT_CONTENT` is set: user text under `content` is redacted from logs. */
  readonly logRedactContent: boolean;
  /** `NODE_ENV=production`. */
  readonly production: boolean;
}

const empty = (value: string | undefined) => (value === "" ? undefined : value);

/**
 * Reads and validates Switchboard's environment variables once; throws a `SwitchboardError`
 * (`CONFIG_ERROR`) naming every bad variable and its value, e.g. `PORT="abc": expected a port number`.
 * @example
 * const config = readEnvConfig({ PORT: "8080", LOG_LEVEL: "debug" });
 * config.port; // 8080
 */
export function readEnvConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnvConfig {
  const input = {
    NODE_ENV: env["NODE_ENV"],
    PORT: empty(env["PORT"]),
    LOG_LEVEL: empty(env["LOG_LEVEL"]),
    LOG_PRETTY: env["LOG_PRETTY"],
    LOG_REDACT_CONTENT: empty(env["LOG_REDACT_CONTENT"]),
  };
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error.issues, input);
  const { PORT, LOG_LEVEL, LOG_PRETTY, LOG_REDACT_CONTENT, NODE_ENV } = parsed.data;
  return {
    port: PORT,
    logLevel: LOG_LEVEL ?? "info",
    logPretty: env["LOG_PRETTY"] === undefined || env["LOG_PRETTY"] === "" ? undefined : LOG_PRETTY,
    logRedactContent: LOG_REDACT_CONTENT !== undefined,
    production: NODE_ENV === "production",
  };
}

/**
 * One error for every invalid variable: `Invalid environment: PORT="abc": expected a port number …`.
 * Shared with the other packages' environment readers.
 */
export function configError(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  input: Readonly<Record<string, string | undefined>>,
): SwitchboardError {
  const lines = issues.map((issue) => {
    const name = String(issue.path[0] ?? "environment");
    return `${name}=${JSON.stringify(input[name] ?? "")}: ${issue.message}`;
  });
  return new SwitchboardError("CONFIG_ERROR", `Invalid environment: ${lines.join("; ")}`);
}
