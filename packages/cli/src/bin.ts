#!/usr/bin/env node
import { runChat } from "./chat-session.js";
import { resolveWebSocketUrl } from "./resolve-websocket-url.js";

const USAGE = `Usage: switchboard chat [url] [--verbose]

  url   the agent: a port (8000), host:port, http://host:port (starts a call with POST /chats)
        or a ws:// URL. Default: http://127.0.0.1:$PORT (8000).

Type a line to speak; type while the agent talks to interrupt it. Piped input sends one line
per turn and waits for each reply.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  if (command !== "chat") {
    process.stderr.write(`switchboard: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  const verbose = rest.includes("--verbose") || rest.includes("-v");
  const target =
    rest.find((arg) => !arg.startsWith("-")) ?? `http://127.0.0.1:${process.env["PORT"] ?? "8000"}`;
  try {
    const url = await resolveWebSocketUrl(target);
    return await runChat({
      url,
      input: process.stdin,
      output: process.stdout,
      interactive: process.stdin.isTTY === true,
      verbose,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`switchboard chat: could not talk to ${target}: ${message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
