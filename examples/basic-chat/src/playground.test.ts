import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScriptedChat } from "@switchboard/openai";
import type { VoiceAgentApp } from "@switchboard/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBasicChatApp } from "./agent.js";
import { CHROMIUM, openPlayground } from "./test-playground-page.js";

/**
 * The docs' screenshot is rewritten only when asked (`UPDATE_SCREENSHOT=1 pnpm test`), so a test
 * run leaves the tree clean; otherwise the screenshot is still taken, into a temp folder.
 */
const SCREENSHOT =
  process.env["UPDATE_SCREENSHOT"] === "1"
    ? join(dirname(fileURLToPath(import.meta.url)), "../../../docs/playground.png")
    : join(tmpdir(), `switchboard-playground-${process.pid}.png`);
const haveChromium = existsSync(CHROMIUM);
const inCI = process.env["CI"] !== undefined && process.env["CI"] !== "";

if (!haveChromium && inCI) {
  throw new Error(
    `${CHROMIUM} is missing: CI must run the browser test (.ci/run installs chromium)`,
  );
}
if (!haveChromium) {
  process.stderr.write(
    `[playground.test] skipped: ${CHROMIUM} is missing (apt-get install -y chromium to run it)\n`,
  );
}

describe.skipIf(!haveChromium)("the playground in Chromium", () => {
  let app: VoiceAgentApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  /** Every URL the page requested: all of them must be the app's own. */
  const requests: string[] = [];

  beforeAll(async () => {
    app = createBasicChatApp({
      // The offline model, paced like a real one so a long answer can be interrupted.
      llm: new ScriptedChat({ firstTokenDelayMs: 60, interTokenDelayMs: 45 }),
      playground: true,
    });
    ({ browser, page, origin } = await openPlayground(app, (url) => requests.push(url)));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Retries `read` until the assertion holds (the page updates as frames arrive). */
  const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });
  const transcript = () => page.getByRole("log", { name: "Transcript" });
  const message = () => page.getByRole("textbox", { name: "Message" });
  const agentLines = () => transcript().locator(".line.agent");

  it("greets, then streams the answer to a typed message chunk by chunk, with its tool call", async () => {
    await poll(() => agentLines().first().textContent()).toContain(
      "Hello! I'm the Switchboard demo agent.",
    );

    await message().fill("What's the weather in Paris?");
    await page.getByRole("button", { name: "Send" }).click();

    const answer = agentLines().nth(1);
    await answer.locator("xpath=self::*[@data-state='complete']").waitFor();
    expect(await answer.locator(".text").textContent()).toMatch(
      /^Let me check the weather for you\..*degrees Celsius.* in Paris right now\.$/,
    );
    // Streamed: many message frames of one generation, counted in the turn's metrics.
    const row = page.getByRole("table", { name: "Turn metrics" }).locator("tbody tr").nth(1);
    const chunks = Number(await row.locator("td").nth(2).textContent());
    expect(chunks).toBeGreaterThan(5);
    expect(await row.locator("td").nth(1).textContent()).toMatch(/^\d+ ms$/);
    // The tool call, its arguments and result.
    const tool = page.getByRole("list", { name: "Tool calls" }).locator(".tool-call");
    await poll(() => tool.textContent()).toMatch(/get_weather\{"city":"Paris"\}→.*"tempC"/);
    // Every frame, in and out, is on the timeline.
    const frames = page.getByRole("list", { name: "Frames" });
    expect(await frames.locator(".frame.out[data-type='message']").count()).toBe(1);
    expect(await frames.locator(".frame.in[data-type='message']").count()).toBeGreaterThan(chunks);
  }, 60_000);

  it("stops a long answer the moment the user types, and marks it interrupted", async () => {
    await message().fill("Tell me a long story about telephones");
    await page.getByRole("button", { name: "Send" }).click();
    const long = agentLines().nth(2);
    await poll(() => long.locator(".text").textContent()).toMatch(/running offline/);
    expect(await long.getAttribute("data-state")).toBeNull(); // still streaming

    await message().pressSequentially("Stop"); // the first key is the user starting to speak
    await poll(() => long.getAttribute("data-state")).toBe("interrupted");
    const cutAt = await long.locator(".text").textContent();
    expect(await long.textContent()).toContain("interrupted");
    await page.getByRole("button", { name: "Send" }).click();

    // The next answer completes; nothing of the interrupted one arrived after the cut.
    const next = agentLines().nth(3);
    await next.locator("xpath=self::*[@data-state='complete']").waitFor({ timeout: 15_000 });
    expect(await next.textContent()).toContain('You said: "Stop".');
    expect(await long.locator(".text").textContent()).toBe(cutAt);
    expect(cutAt).not.toContain("I'll stop talking right away.");
    const outFrames = await page
      .getByRole("list", { name: "Frames" })
      .locator(".frame.out .fields")
      .allTextContents();
    // Speaking went out once for the interrupting turn, before its message.
    expect(outFrames.slice(-6)).toEqual([
      'value="speaking"',
      'content="Tell me a long story about telephones"',
      'value="idle"',
      'value="speaking"',
      'content="Stop"',
      'value="idle"',
    ]);
    const rows = page.getByRole("table", { name: "Turn metrics" }).locator("tbody tr");
    expect(await rows.nth(2).locator("td").nth(3).textContent()).toBe("yes");
    expect(await rows.nth(3).locator("td").nth(3).textContent()).toBe("no");
  }, 60_000);

  it("draws the agent's routes from the running system and lights them up", async () => {
    const routes = page.getByRole("region", { name: "Routes" });
    const agent = routes.locator(".bridge[data-bridge='agent']");
    await poll(() => agent.textContent()).toContain("speaks to the user");
    const generation = agent.locator(".route", { hasText: "on UserStoppedSpeaking" });
    expect(await generation.textContent()).toMatch(/interruptOn UserStartedSpeaking/);
    expect(await generation.locator(".chip.step").allTextContents()).toEqual([
      "stream generate",
      "broadcast",
    ]);
    // Three turns so far triggered it.
    expect(await generation.locator(".count").textContent()).toBe("×3");

    // No CDN, no network: the page, its two files, POST /chats and the call's WebSocket.
    const wsOrigin = origin.replace(/^http/, "ws");
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith(wsOrigin))).toEqual([]);
    expect(requests.map((u) => new URL(u).pathname).sort()).toEqual([
      "/chats",
      "/playground",
      "/playground/playground.css",
      "/playground/playground.js",
    ]);

    await mkdir(dirname(SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ path: SCREENSHOT });
    expect(png.subarray(1, 4).toString()).toBe("PNG");
  }, 60_000);

  it("keeps the timeline to its latest 500 rows, however many frames went by", async () => {
    const frames = page.getByRole("list", { name: "Frames" });
    const total = async () => Number(await frames.getAttribute("data-total"));
    while ((await total()) <= 500) {
      const answers = await agentLines().count();
      await message().fill("Tell me more");
      await page.getByRole("button", { name: "Send" }).click();
      await agentLines()
        .nth(answers)
        .locator("xpath=self::*[@data-state='complete']")
        .waitFor({ timeout: 15_000 });
    }
    expect(await frames.locator(".frame").count()).toBe(500); // TIMELINE_MAX_ROWS
  }, 60_000);
});
