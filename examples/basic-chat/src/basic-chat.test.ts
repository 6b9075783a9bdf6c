import { ScriptedChat } from "@switchboard/openai";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createBasicChatApp } from "./agent.js";
import { GREETING } from "./chat-node.js";

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function startDemo(pacing: { firstTokenDelayMs: number; interTokenDelayMs: number }) {
  const app = createBasicChatApp({ llm: new ScriptedChat(pacing) });
  apps.push(app);
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  const response = await fetch(`${url}/chats`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      call_id: "demo-test",
      from: "+1555",
      to: "+1666",
      agent_call_id: "a1",
      agent: {},
      metadata: {},
    }),
  });
  const { websocket_url } = (await response.json()) as { websocket_url: string };
  return HarnessClient.connect(new URL(websocket_url, url).toString());
}

describe("the basic-chat demo", () => {
  it("greets, answers with a tool call, and hangs up on goodbye", async () => {
    const client = await startDemo({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
    expect((await client.reply()).text).toBe(GREETING);

    await client.say("What's the weather in Paris?");
    const weather = await client.reply();
    const toolFrames = weather.frames.filter((f) => f.type === "tool_call");
    expect(toolFrames.length).toBeGreaterThanOrEqual(1);
    expect(toolFrames[0]).toMatchObject({ name: "get_weather", arguments: { city: "Paris" } });
    expect(weather.text).toMatch(/degrees Celsius.* in Paris/);

    await client.say("Thanks, goodbye!");
    await client.waitFor((frame) => frame.type === "end_call");
    await client.waitForClose();
  });

  it("stops answering the moment the user talks over it", async () => {
    const client = await startDemo({ firstTokenDelayMs: 0, interTokenDelayMs: 15 });
    await client.reply();
    const since = client.frames.length;
    await client.say("Tell me something long about the history of telephones please");
    await client.waitFor((frame) => frame.type === "message", { since });
    const interruptedAt = client.frames.length;
    await client.interrupt();
    await client.say("Actually, hello!");
    const next = await client.reply();
    expect(next.text.length).toBeGreaterThan(0);
    const afterInterrupt = client.frames.slice(interruptedAt);
    // The cancelled answer never completes: the only completion after the interrupt is the new turn's.
    expect(
      afterInterrupt.filter((f) => f.type === "log_event" && f.event === "generation_complete"),
    ).toHaveLength(1);
  });
});
