import { VoiceAgentApp, type CallHandler, type VoiceAgentAppOptions } from "../voice-agent-app.js";

/** A `VoiceAgentApp` listening on a free loopback port, and its WebSocket URL. */
export interface TestApp {
  app: VoiceAgentApp;
  url: string;
  wsUrl: string;
}

/**
 * Starts an app on 127.0.0.1, port 0, for tests; close it with `app.close()`.
 * @example const { app, wsUrl } = await startTestApp(handler);
 */
export async function startTestApp(
  handler: CallHandler,
  options: VoiceAgentAppOptions = {},
): Promise<TestApp> {
  const app = new VoiceAgentApp(handler, options);
  const { url, port } = await app.listen({ port: 0, host: "127.0.0.1" });
  return { app, url, wsUrl: `ws://127.0.0.1:${port}/ws` };
}
