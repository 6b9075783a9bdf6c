import type { VoiceAgentApp } from "@switchboard/server";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium; `.ci/run` installs it when missing. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Serves `app` on loopback and opens its playground in headless Chromium. `onRequest` sees every
 * URL the page asks for. The caller closes the browser, then the app.
 */
export async function openPlayground(
  app: VoiceAgentApp,
  onRequest?: (url: string) => void,
): Promise<{ browser: Browser; page: Page; origin: string }> {
  const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox"],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  if (onRequest !== undefined) page.on("request", (request) => onRequest(request.url()));
  await page.goto(`${url}/playground`);
  return { browser, page, origin: url };
}
