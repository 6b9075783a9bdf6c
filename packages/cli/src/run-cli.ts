import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { runChat } from "./chat-session.js";
import { resolveWebSocketUrl } from "./resolve-websocket-url.js";

export const USAGE = `Usage: npx @switchboard/cli chat [url] [--verbose]
       npx @switchboard/cli --help | --version

Commands:
  chat [url]     talk to a running agent. url: a port (8000), host:port, http://host:port
                 (starts a call with POST /chats) or a ws:// URL. Default: http://127.0.0.1:$PORT (8000).

Options:
  -v, --verbose  also print metrics and log events
  -h, --help     show this help
  --version      print the version

Type a line to speak; type while the agent talks to interrupt it. Piped input sends one line
per turn and waits for each reply.`;

/** Where the CLI reads and writes; `process`'s streams in the real command. */
export interface CliIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Readonly<Record<string, string | undefined>>;
}

function version(): string {
  const manifest = createRequire(import.meta.url)("../package.json") as { version: string };
  return manifest.version;
}

/** The first errno-style code in an error or its causes (fetch hides it in `cause`). */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth++) {
    if (typeof current !== "object" || current === null) return undefined;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === "string") return code;
    current = cause;
  }
  return undefined;
}

/**
 * The `switchboard` command: parses `argv` (without node and the script), runs it, and resolves
 * with the exit code — 0 done, 1 the agent could not be reached or failed, 2 a usage error.
 * @example process.exitCode = await runCli(process.argv.slice(2), { ...process, env: process.env });
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const usageError = (message: string) => {
    io.stderr.write(`switchboard: ${message}\n\n${USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: "boolean", short: "h" },
        version: { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version === true) {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) return usageError("missing command");
  if (command !== "chat") return usageError(`unknown command "${command}"`);
  if (rest.length > 1)
    return usageError(`chat takes one url, got ${rest.length}: ${rest.join(" ")}`);

  const target = rest[0] ?? `http://127.0.0.1:${io.env["PORT"] || "8000"}`;
  try {
    const url = await resolveWebSocketUrl(target);
    return await runChat({
      url,
      input: io.stdin,
      output: io.stdout,
      interactive: io.stdin.isTTY === true,
      verbose: values.verbose === true,
    });
  } catch (error) {
    const code = errorCode(error);
    if (code === "ECONNREFUSED") {
      io.stderr.write(
        `switchboard chat: nothing is listening at ${target} (ECONNREFUSED).\n` +
          `Start your agent first (for example: node agent.js, or npx -y pnpm@10 demo in this repo), ` +
          `or pass its address: npx @switchboard/cli chat <url>\n`,
      );
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `switchboard chat: could not talk to ${target}${code ? ` (${code})` : ""}: ${message}\n`,
    );
    return 1;
  }
}
