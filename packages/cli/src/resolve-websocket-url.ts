import { newCallId } from "@switchboard/protocol";

/**
 * Turns what the user typed (`8000`, `localhost:8000`, `http://host:port`, `ws://host/ws?…`) into
 * the WebSocket URL of a new call. For an HTTP address it starts the call the way a telephony
 * platform would: `POST /chats` with Line's body, then uses the `websocket_url` it returns.
 * @example await resolveWebSocketUrl("8000") // "ws://127.0.0.1:8000/ws?call_id=…"
 */
export async function resolveWebSocketUrl(
  target: string,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const base = toBaseUrl(target);
  if (base.protocol === "ws:" || base.protocol === "wss:") return base.toString();
  const callId = newCallId("cli");
  const response = await fetchImpl(new URL("/chats", base), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      call_id: callId,
      from: "switchboard-cli",
      to: "agent",
      agent_call_id: callId,
      agent: { system_prompt: "", introduction: "" },
      metadata: { client: "switchboard chat" },
    }),
  });
  if (!response.ok) {
    throw new Error(
      `POST ${new URL("/chats", base).href} answered ${response.status} ${await response.text()}`,
    );
  }
  const body = (await response.json()) as { websocket_url?: unknown };
  if (typeof body.websocket_url !== "string")
    throw new Error("POST /chats returned no websocket_url");
  const wsUrl = new URL(body.websocket_url, base);
  if (wsUrl.protocol === "http:") wsUrl.protocol = "ws:";
  if (wsUrl.protocol === "https:") wsUrl.protocol = "wss:";
  return wsUrl.toString();
}

function toBaseUrl(target: string): URL {
  if (/^\d+$/.test(target)) return new URL(`http://127.0.0.1:${target}`);
  if (/^[a-z]+:\/\//i.test(target)) return new URL(target);
  return new URL(`http://${target}`);
}
