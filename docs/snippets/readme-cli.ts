import { resolveWebSocketUrl, runChat } from "@switchboard/cli";

// What `switchboard chat 8000` does: POST /chats, then talk over the returned WebSocket.
const url = await resolveWebSocketUrl("8000");
process.exitCode = await runChat({
  url,
  input: process.stdin,
  output: process.stdout,
  interactive: process.stdin.isTTY === true,
});
