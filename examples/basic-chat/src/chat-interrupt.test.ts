import { PassThrough } from "node:stream";
import { runChat, resolveWebSocketUrl } from "@switchboard/cli";
import { ScriptedChat } from "@switchboard/openai";
import type { VoiceAgentApp } from "@switchboard/server";
import { afterEach, describe, expect, it } from "vitest";
import { createBasicChatApp } from "./agent.js";
import { createBargeInChatApp } from "./barge-in-agent.js";

const apps: VoiceAgentApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** Collects what the CLI prints and lets the test wait for a pattern. */
function screen() {
  const stream = new PassThrough();
  let text = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  stream.setEncoding("utf8").on("data", (chunk: string) => {
    text += chunk;
    for (const w of waiters.splice(0)) {
      if (w.pattern.test(text)) w.resolve();
      else waiters.push(w);
    }
  });
  return {
    stream,
    text: () => text,
    waitFor: (pattern: RegExp) =>
      new Promise<void>((resolve) =>
        pattern.test(text) ? resolve() : waiters.push({ pattern, resolve }),
      ),
  };
}

/** Serves an app on the paced offline model and runs `switchboard chat` against it, as a terminal. */
async function chatWith(create: (options: { llm: ScriptedChat }) => VoiceAgentApp) {
  const app = create({ llm: new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 20 }) });
  apps.push(app);
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  const keyboard = new PassThrough();
  const out = screen();
  const done = runChat({
    url: await resolveWebSocketUrl(url),
    input: keyboard,
    output: out.stream,
    interactive: true,
  });
  return { keyboard, out, done };
}

describe("switchboard chat in a terminal", () => {
  it("interrupts the agent on the first key typed while it talks", async () => {
    const { keyboard, out, done } = await chatWith(createBasicChatApp);

    await out.waitFor(/about the weather\./); // the greeting
    keyboard.write("Tell me a long story about telephones\r");
    await out.waitFor(/You said: "Tell me a long story about telephones"/);
    const beforeKey = out.text();
    keyboard.write("w"); // the user starts typing: that is the user starting to speak
    keyboard.write("hat's the weather in Oslo?\r");
    await out.waitFor(/degrees Celsius.* in Oslo/);

    const afterKey = out.text().slice(beforeKey.length);
    // The long answer was cut: its closing sentence never arrived.
    expect(out.text()).not.toMatch(/I'll stop talking right away\./);
    expect(afterKey).toMatch(/\[tool\] get_weather \{"city":"Oslo"\}/);
    keyboard.end();
    expect(await done).toBe(0);
  });

  it("resumes the answer whole after a backchannel, with a barge-in policy on", async () => {
    const { keyboard, out, done } = await chatWith(createBargeInChatApp);

    await out.waitFor(/about the weather\./);
    keyboard.write("Tell me about telephones\r");
    await out.waitFor(/You said: "Tell me about telephones"/);
    keyboard.write("m"); // talking over the agent: the server holds the answer
    keyboard.write("m-hmm\r"); // a backchannel: it goes on where it was
    await out.waitFor(/I'll stop talking right away\./);

    // Every word of the answer arrived once, in order: the chunks in flight when the key was
    // pressed were held by the fence and printed when the server resumed the answer.
    const agentSaid = [...out.text().matchAll(/agent > ([^\n]*)/g)].map((m) => m[1] ?? "");
    const answer = agentSaid
      .slice(agentSaid.findIndex((line) => line.startsWith('You said: "Tell me about telephones"')))
      .join(" ")
      .replace(/ \(first chunk \d+ ms\)$/, "")
      // The terminal echoes the first key at the end of the agent's line, before the line breaks.
      .replace(/(?<=\.)m(?= )/, "");
    expect(answer).toBe(
      'You said: "Tell me about telephones". I\'m a scripted model running offline, so I can ' +
        "only echo what I hear. To talk to a real model, set OPENAI_API_KEY, or OPENAI_BASE_URL " +
        "for a local server. Meanwhile, try interrupting me in the middle of a sentence: I'll " +
        "stop talking right away.",
    );
    keyboard.end();
    expect(await done).toBe(0);
  });
});
