import type { IncomingMessage, ServerResponse } from "node:http";
import type { PlaygroundAssetName, PlaygroundAssets } from "./playground-assets.js";

/** Options of {@link createPlaygroundHandler}. */
export interface PlaygroundHandlerOptions {
  /** Where the page lives. Default `/playground`. */
  basePath?: string;
}

/** Serves the page: true when the request was the playground's (answered), false to let others handle it. */
export type PlaygroundHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const CONTENT_TYPES: Record<PlaygroundAssetName, string> = {
  "index.html": "text/html; charset=utf-8",
  "playground.js": "text/javascript; charset=utf-8",
  "playground.css": "text/css; charset=utf-8",
};

/** The page talks only to the server that served it; nothing else is loaded or reached. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * An HTTP handler for the playground's files: `GET basePath` (and `basePath/`) is the page,
 * `GET basePath/<file>` its script and stylesheet. Other methods get 405, unknown files 404.
 * @example
 * const playground = createPlaygroundHandler(await loadPlaygroundAssets());
 * createServer((req, res) => {
 *   if (!playground(req, res)) res.writeHead(404).end();
 * });
 */
export function createPlaygroundHandler(
  assets: PlaygroundAssets,
  options: PlaygroundHandlerOptions = {},
): PlaygroundHandler {
  const basePath = (options.basePath ?? "/playground").replace(/\/+$/, "");
  const html = assets.get("index.html");
  if (html === undefined) throw new Error("createPlaygroundHandler(): index.html is missing");
  // The page names its files from the base path, so it works with or without a trailing slash.
  const page = new TextEncoder().encode(
    new TextDecoder().decode(html).replaceAll("%BASE_PATH%", basePath),
  );
  const files = new Map<string, { type: string; body: Uint8Array }>();
  for (const [name, body] of assets) {
    files.set(`${basePath}/${name}`, { type: CONTENT_TYPES[name], body });
  }
  const index = { type: CONTENT_TYPES["index.html"], body: page };
  files.set(basePath, index);
  files.set(`${basePath}/`, index);
  files.set(`${basePath}/index.html`, index);

  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    const file = files.get(path);
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", `use GET ${basePath}`, { allow: "GET, HEAD" });
    } else if (file === undefined) {
      send(res, 404, "text/plain; charset=utf-8", `no playground file at ${path}`);
    } else {
      send(res, 200, file.type, req.method === "HEAD" ? undefined : file.body, {
        "content-length": String(file.body.byteLength),
      });
    }
    return true;
  };
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: Uint8Array | string | undefined,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": type,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
    "content-security-policy": CONTENT_SECURITY_POLICY,
    ...(typeof body === "string" ? { "content-length": String(Buffer.byteLength(body)) } : {}),
    ...headers,
  });
  res.end(body);
}
