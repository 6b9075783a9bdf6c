export { runChat, type ChatOptions } from "./chat-session.js";
export { resolveWebSocketUrl } from "./resolve-websocket-url.js";
export { runCli, USAGE, type CliIO } from "./run-cli.js";
