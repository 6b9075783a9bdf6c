import { existsSync } from "node:fs";
import { ScriptedChat } from "@switchboard/openai";
import type { VoiceAgentApp } from "@switchboard/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBargeInChatApp } from "./barge-in-agent.js";
import { CHROMIUM, openPlayground } from "./test-playground-page.js";

/** What the scripted model answers to `said`: the whole answer, as one string. */
const echoAnswer = (said: string) =>
  `You said: "${said}". I'm a scripted model running offline, so I can only echo what I hear. ` +
  "To talk to a real model, set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server. " +
  "Meanwhile, try interrupting me in the middle of a sentence: I'll stop talking right away.";

describe.skipIf(!existsSync(CHROMIUM))("the playground shows a barge-in policy at work", () => {
  let app: VoiceAgentApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = createBargeInChatApp({
      llm: new ScriptedChat({ firstTokenDelayMs: 60, interTokenDelayMs: 45 }),
      playground: true,
    });
    ({ browser, page } = await openPlayground(app));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const transcript = () => page.getByRole("log", { name: "Transcript" });
  const message = () => page.getByRole("textbox", { name: "Message" });
  const agentLines = () => transcript().locator(".line.agent");
  const inEvents = () =>
    page
      .getByRole("list", { name: "Frames" })
      .locator(".frame.in[data-type='log_event'] .fields")
      .allTextContents();

  it("pauses the answer while the user talks, and resumes it exactly after a backchannel", async () => {
    await poll(() => agentLines().first().textContent()).toContain("Hello!");
    await message().fill("Tell me about telephones");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = agentLines().nth(1);
    await poll(() => answer.locator(".text").textContent()).toMatch(/running offline/);

    // The first key is the user starting to speak: the server holds the answer and says so.
    await message().pressSequentially("mm-hmm");
    await poll(() => answer.getAttribute("data-state")).toBe("paused");
    expect(await answer.locator(".status").textContent()).toBe("paused");
    const heldAt = await answer.locator(".text").textContent();
    expect(heldAt).not.toContain("right away.");

    // A backchannel: the answer goes on where it was, on the same line, and ends whole.
    await page.getByRole("button", { name: "Send" }).click();
    await poll(() => answer.locator(".status").textContent()).toBe("resumed");
    await answer.locator("xpath=self::*[@data-state='complete']").waitFor({ timeout: 15_000 });
    expect(await answer.locator(".text").textContent()).toBe(
      echoAnswer("Tell me about telephones"),
    );
    expect(await agentLines().count()).toBe(2); // the backchannel started no answer of its own
    const events = await inEvents();
    const paused = events.findIndex((e) => e.includes('event="agent_paused"'));
    const resumed = events.findIndex((e) => e.includes('event="agent_resumed"'));
    expect(paused).toBeGreaterThanOrEqual(0);
    expect(resumed).toBeGreaterThan(paused);
    const row = page.getByRole("table", { name: "Turn metrics" }).locator("tbody tr").nth(1);
    expect(await row.locator("td").nth(3).textContent()).toBe("no"); // not interrupted
  }, 60_000);

  it("marks a held answer interrupted when the user really takes the turn", async () => {
    await message().fill("Tell me about radios");
    await page.getByRole("button", { name: "Send" }).click();
    const answer = agentLines().nth(2);
    await poll(() => answer.locator(".text").textContent()).toMatch(/running offline/);

    await message().pressSequentially("Wait, what about Paris?");
    await poll(() => answer.getAttribute("data-state")).toBe("paused");
    const heldAt = await answer.locator(".text").textContent();
    await page.getByRole("button", { name: "Send" }).click();

    const next = agentLines().nth(3);
    await next.locator("xpath=self::*[@data-state='complete']").waitFor({ timeout: 15_000 });
    expect(await answer.getAttribute("data-state")).toBe("interrupted");
    expect(await answer.locator(".text").textContent()).toBe(heldAt); // nothing after the hold
    expect(await next.locator(".text").textContent()).toContain("Wait, what about Paris?");
    const row = page.getByRole("table", { name: "Turn metrics" }).locator("tbody tr").nth(2);
    expect(await row.locator("td").nth(3).textContent()).toBe("yes");
  }, 60_000);
});
