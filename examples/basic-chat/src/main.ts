import { pino } from "pino";
import pretty from "pino-pretty";
import { createBasicChatApp } from "./agent.js";

// Human-readable logs for a demo in a terminal; production apps keep pino's JSON.
const logger = pino(
  { level: process.env["LOG_LEVEL"] ?? "info" },
  pretty({
    colorize: process.stdout.isTTY,
    ignore: "pid,hostname",
    translateTime: "HH:MM:ss.l",
    sync: true,
  }),
);

const app = createBasicChatApp({ logger });
const { url, port } = await app.run();
process.stdout.write(
  `\nSwitchboard demo agent listening on ${url}\n` +
    `Open the playground in a browser:  ${url}/playground\n` +
    `Talk to it from another terminal:  npx -y pnpm@10 chat${port === 8000 ? "" : ` ${port}`}\n` +
    `Press Ctrl+C to stop.\n\n`,
);
