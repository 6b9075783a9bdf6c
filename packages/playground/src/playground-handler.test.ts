import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createPlaygroundHandler } from "./playground-handler.js";
import type { PlaygroundAssets } from "./playground-assets.js";

const encode = (text: string) => new TextEncoder().encode(text);
const assets: PlaygroundAssets = new Map([
  ["index.html", encode('<script src="%BASE_PATH%/playground.js"></script>')],
  ["playground.js", encode("console.log(1)")],
  ["playground.css", encode("body{}")],
]);

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))),
  );
});

async function serve(basePath?: string): Promise<string> {
  const handler = createPlaygroundHandler(assets, basePath === undefined ? {} : { basePath });
  const server = createServer((req, res) => {
    if (!handler(req, res)) res.writeHead(418).end("not mine");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("createPlaygroundHandler", () => {
  it("serves the page at the base path, with and without a trailing slash", async () => {
    const url = await serve();
    for (const path of ["/playground", "/playground/", "/playground/index.html"]) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(await response.text()).toBe('<script src="/playground/playground.js"></script>');
    }
  });

  it("serves the script and stylesheet with their types and a strict content security policy", async () => {
    const url = await serve();
    const script = await fetch(`${url}/playground/playground.js`);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await script.text()).toBe("console.log(1)");
    const css = await fetch(`${url}/playground/playground.css`);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(css.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers HEAD without a body, other methods with 405, unknown files with 404", async () => {
    const url = await serve();
    const head = await fetch(`${url}/playground/playground.js`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe("14");
    expect(await head.text()).toBe("");
    expect((await fetch(`${url}/playground`, { method: "POST" })).status).toBe(405);
    const missing = await fetch(`${url}/playground/../../etc/passwd`);
    expect(missing.status).toBe(418); // normalised by URL to /etc/passwd: not the playground's
    const unknown = await fetch(`${url}/playground/secret.txt`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("no playground file at /playground/secret.txt");
  });

  it("leaves every other path to the server", async () => {
    const url = await serve();
    for (const path of ["/", "/chats", "/playgrounds", "/status"]) {
      expect((await fetch(`${url}${path}`)).status).toBe(418);
    }
  });

  it("takes another base path", async () => {
    const url = await serve("/debug/ui/");
    expect(await (await fetch(`${url}/debug/ui`)).text()).toBe(
      '<script src="/debug/ui/playground.js"></script>',
    );
    expect((await fetch(`${url}/playground`)).status).toBe(418);
  });
});
