// A user's server app through one WebSocket turn, with a plain `ws` client: POST /chats, connect,
// speak, and read the agent's answer up to its generation_complete.
import { ReasoningNode, Bridge, type ConversationContext } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import WebSocket from "ws";

class EchoNode extends ReasoningNode {
  protected override async *processContext(context: ConversationContext) {
    yield `You said: ${context.getLatestUserTranscriptMessage() ?? "nothing"}.`;
  }
}

const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "Echo.", nodeId: "agent" });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
  await system.start();
  await system.waitForShutdown();
});

const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
try {
  const response = await fetch(`${url}/chats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ call_id: "tarball-check", agent: { system_prompt: "Echo." } }),
  });
  if (!response.ok) throw new Error(`POST /chats answered ${response.status}`);
  const { websocket_url: websocketUrl } = (await response.json()) as { websocket_url: string };

  const socket = new WebSocket(websocketUrl);
  const said = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error("no generation_complete within 5 s")), 5_000);
    socket.on("error", reject);
    socket.on("open", () => {
      socket.send(JSON.stringify({ type: "message", content: "hello" }));
      socket.send(JSON.stringify({ type: "user_state", value: "idle" }));
    });
    socket.on("message", (data: WebSocket.RawData) => {
      const frame = JSON.parse(data.toString()) as {
        type: string;
        content?: string;
        event?: string;
      };
      if (frame.type === "message") text += frame.content ?? "";
      if (frame.type === "log_event" && frame.event === "generation_complete") {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
  socket.close();
  if (said !== "You said: hello.") throw new Error(`unexpected answer: ${JSON.stringify(said)}`);
  console.log(`server turn: ok (${JSON.stringify(said)})`);
} finally {
  await app.close();
}
