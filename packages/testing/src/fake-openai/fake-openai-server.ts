import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  completionBody,
  resolveToolCalls,
  streamChunks,
  type CompletionMeta,
} from "./completion-chunks.js";
import type {
  AbortedRequest,
  ChatCompletionRequestBody,
  FakeReply,
  FakeReplyHandler,
  RecordedRequest,
} from "./fake-reply.js";
import { openAIErrorBody } from "./openai-error-body.js";

/** Lifecycle of a {@link FakeOpenAIServer}: `idle → starting → listening → closing → closed`. */
export type FakeOpenAIServerState = "idle" | "starting" | "listening" | "closing" | "closed";

/** Options of {@link FakeOpenAIServer}. */
export interface FakeOpenAIServerOptions {
  /** Decides replies once the queue is empty. Default: a short fixed greeting. */
  handler?: FakeReplyHandler;
  /** Default delay before the first SSE event (ms). Default 0. */
  firstTokenDelayMs?: number;
  /** Default delay between SSE events (ms). Default 0. */
  tokenDelayMs?: number;
  /** When set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401. */
  apiKey?: string;
  /** Model ids listed by `GET /v1/models`. Default `["gpt-4o-mini", "gpt-4o"]`. */
  models?: readonly string[];
}

/** How a request's response ended, once it has. */
type Outcome = "completed" | "client-aborted" | "server-dropped";

const defaultReply: FakeReply = { content: "Hello from the fake OpenAI server." };

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Resolves after `ms`, or early (to `false`) when `signal` aborts; the timer never outlives either. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    // setTimeout treats anything over 2^31-1 ms (Infinity included) as 1 ms: such a wait only ends on abort.
    const timer =
      ms > MAX_TIMEOUT_MS
        ? undefined
        : setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve(true);
          }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(text: string): ChatCompletionRequestBody | undefined {
  if (text.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as ChatCompletionRequestBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/**
 * An OpenAI-compatible HTTP server on 127.0.0.1 (any free port) for tests: `/v1/chat/completions`
 * streamed as OpenAI streams it (SSE) or as one JSON body, `/v1/models`, scripted replies,
 * latency, injected failures, and a record of requests and of connections the client aborted.
 * @example
 * const server = await FakeOpenAIServer.start();
 * server.enqueue({ content: "Hi there!" });
 * const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL });
 * // … run the client, then:
 * await server.close();
 */
export class FakeOpenAIServer implements AsyncDisposable {
  readonly #options: FakeOpenAIServerOptions;
  readonly #server: Server;
  readonly #queue: FakeReply[] = [];
  readonly #requests: RecordedRequest[] = [];
  readonly #aborted: AbortedRequest[] = [];
  readonly #outcomes = new Map<number, Outcome>();
  readonly #requestListeners = new Set<(request: RecordedRequest) => void>();
  readonly #abortListeners = new Set<(aborted: AbortedRequest) => void>();
  readonly #settleListeners = new Set<(index: number, outcome: Outcome) => void>();
  readonly #inFlight = new Set<AbortController>();
  #handler: FakeReplyHandler | undefined;
  #state: FakeOpenAIServerState = "idle";
  #starting: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #port = 0;
  #ids = 0;

  constructor(options: FakeOpenAIServerOptions = {}) {
    this.#options = options;
    this.#handler = options.handler;
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, openAIErrorBody({ status: 500, message: String(error) }));
        else res.destroy();
      });
    });
  }

  /**
   * Creates a server and starts it.
   * @example const server = await FakeOpenAIServer.start({ tokenDelayMs: 5 });
   */
  static async start(options: FakeOpenAIServerOptions = {}): Promise<FakeOpenAIServer> {
    const server = new FakeOpenAIServer(options);
    await server.start();
    return server;
  }

  /** Where the server is in its lifecycle. */
  get state(): FakeOpenAIServerState {
    return this.#state;
  }

  /** The port it listens on (0 before `start()`). */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    if (this.#port === 0) throw new Error("FakeOpenAIServer is not listening; await start() first");
    return `http://127.0.0.1:${this.#port}`;
  }

  /** `http://127.0.0.1:<port>/v1`: the `baseURL` for the `openai` client. */
  get baseURL(): string {
    return `${this.url}/v1`;
  }

  /** Every request received so far, in arrival order. */
  get requests(): readonly RecordedRequest[] {
    return this.#requests;
  }

  /** The `/v1/chat/completions` requests received so far, in arrival order. */
  get chatRequests(): readonly RecordedRequest[] {
    return this.#requests.filter((r) => r.path === "/v1/chat/completions");
  }

  /** Requests whose client closed the connection before the response ended. */
  get abortedRequests(): readonly AbortedRequest[] {
    return this.#aborted;
  }

  /** Requests whose response has not ended yet. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Starts listening on 127.0.0.1, any free port. Idempotent. */
  start(): Promise<void> {
    if (this.#state === "closing" || this.#state === "closed") {
      return Promise.reject(new Error("FakeOpenAIServer was closed; create a new one"));
    }
    this.#starting ??= new Promise<void>((resolve, reject) => {
      this.#state = "starting";
      this.#server.once("error", reject);
      this.#server.listen(0, "127.0.0.1", () => {
        this.#server.off("error", reject);
        this.#port = (this.#server.address() as AddressInfo).port;
        this.#state = "listening";
        resolve();
      });
    });
    return this.#starting;
  }

  /** Ends every open response, closes every connection and stops listening. Idempotent. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    const wasListening = this.#state !== "idle";
    this.#state = "closing";
    for (const controller of this.#inFlight) controller.abort();
    this.#closing = (async () => {
      await this.#starting?.catch(() => undefined);
      if (wasListening) {
        await new Promise<void>((resolve) => {
          this.#server.close(() => resolve());
          this.#server.closeAllConnections();
        });
      }
      this.#state = "closed";
    })();
    return this.#closing;
  }

  /**
   * Same as `close()`, for `await using`.
   * @example
   * await using server = await FakeOpenAIServer.start();
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Queues replies, used one per `/v1/chat/completions` request, before the handler. */
  enqueue(...replies: FakeReply[]): this {
    this.#queue.push(...replies);
    return this;
  }

  /** Sets the function that decides replies once the queue is empty. */
  respondWith(handler: FakeReplyHandler): this {
    this.#handler = handler;
    return this;
  }

  /** Calls `listener` for each request as it arrives; returns the undo. */
  onRequest(listener: (request: RecordedRequest) => void): () => void {
    this.#requestListeners.add(listener);
    return () => this.#requestListeners.delete(listener);
  }

  /** Calls `listener` each time a client closes a connection before its response ended; returns the undo. */
  onClientAbort(listener: (aborted: AbortedRequest) => void): () => void {
    this.#abortListeners.add(listener);
    return () => this.#abortListeners.delete(listener);
  }

  /**
   * Resolves with request `index` (from 0) once it has arrived.
   * @example const request = await server.waitForRequest(0);
   */
  waitForRequest(index: number, options: { timeoutMs?: number } = {}): Promise<RecordedRequest> {
    const known = this.#requests[index];
    if (known) return Promise.resolve(known);
    return this.#waitFor(`request ${index}`, options.timeoutMs, (resolve) =>
      this.onRequest((request) => {
        if (request.index === index) resolve(request);
      }),
    );
  }

  /**
   * Resolves once the client has closed the connection of request `index` before its response
   * ended; rejects if that response ends any other way.
   * @example
   * controller.abort();
   * await server.waitForClientAbort(0);
   */
  waitForClientAbort(index: number, options: { timeoutMs?: number } = {}): Promise<AbortedRequest> {
    const known = this.#aborted.find((a) => a.index === index);
    if (known) return Promise.resolve(known);
    const outcome = this.#outcomes.get(index);
    if (outcome)
      return Promise.reject(
        new Error(`request ${index} ended without a client abort (${outcome})`),
      );
    const abortOf = (resolve: (aborted: AbortedRequest) => void) =>
      this.onClientAbort((aborted) => {
        if (aborted.index === index) resolve(aborted);
      });
    const otherEndOf = (_resolve: unknown, reject: (error: Error) => void) => {
      const onSettle = (settled: number, how: Outcome) => {
        if (settled === index && how !== "client-aborted") {
          reject(new Error(`request ${index} ended without a client abort (${how})`));
        }
      };
      this.#settleListeners.add(onSettle);
      return () => this.#settleListeners.delete(onSettle);
    };
    return this.#waitFor(
      `client abort of request ${index}`,
      options.timeoutMs,
      abortOf,
      otherEndOf,
    );
  }

  #waitFor<T>(
    what: string,
    timeoutMs: number | undefined,
    ...subscribers: ((resolve: (value: T) => void, reject: (error: Error) => void) => () => void)[]
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const undos: (() => void)[] = [];
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        for (const undo of undos) undo();
      };
      const onValue = (value: T) => {
        done();
        resolve(value);
      };
      const onError = (error: Error) => {
        done();
        reject(error);
      };
      for (const subscribe of subscribers) undos.push(subscribe(onValue, onError));
      if (timeoutMs !== undefined) {
        timer = setTimeout(
          () => onError(new Error(`timed out after ${timeoutMs}ms waiting for ${what}`)),
          timeoutMs,
        );
      }
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const bodyText = await readBody(req);
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const index = this.#requests.length;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let chunksSent = 0;
    let outcome: Outcome | undefined;
    const settle = (how: Outcome) => {
      if (outcome) return;
      outcome = how;
      this.#inFlight.delete(controller);
      this.#outcomes.set(index, how);
      if (how === "client-aborted") {
        const aborted: AbortedRequest = { index, path, chunksSent, abortedAt: Date.now() };
        this.#aborted.push(aborted);
        for (const listener of [...this.#abortListeners]) listener(aborted);
      }
      for (const listener of [...this.#settleListeners]) listener(index, how);
    };
    res.on("close", () => {
      // A close before our own end (or our own drop) is the client going away.
      settle(
        this.#state === "closing" || this.#state === "closed" ? "server-dropped" : "client-aborted",
      );
      controller.abort();
    });
    res.on("finish", () => settle("completed"));

    const request: RecordedRequest = {
      index,
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      body: parseBody(bodyText),
      receivedAt: Date.now(),
    };
    this.#requests.push(request);
    for (const listener of [...this.#requestListeners]) listener(request);

    if (
      this.#options.apiKey !== undefined &&
      req.headers.authorization !== `Bearer ${this.#options.apiKey}`
    ) {
      sendJson(res, 401, openAIErrorBody({ status: 401 }));
      return;
    }
    if (req.method === "GET" && path === "/v1/models") {
      sendJson(res, 200, { object: "list", data: this.#models().map((id) => this.#model(id)) });
      return;
    }
    const modelMatch = req.method === "GET" ? /^\/v1\/models\/([^/]+)$/.exec(path) : null;
    if (modelMatch?.[1] !== undefined) {
      const id = decodeURIComponent(modelMatch[1]);
      if (this.#models().includes(id)) sendJson(res, 200, this.#model(id));
      else
        sendJson(
          res,
          404,
          openAIErrorBody({ status: 404, message: `The model '${id}' does not exist` }),
        );
      return;
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      sendJson(
        res,
        404,
        openAIErrorBody({ status: 404, message: `Unknown request URL: ${req.method} ${path}` }),
      );
      return;
    }
    if (request.body === undefined) {
      sendJson(
        res,
        400,
        openAIErrorBody({ status: 400, message: "The request body is not valid JSON." }),
      );
      return;
    }

    const reply = this.#queue.shift() ?? (await (this.#handler ?? (() => defaultReply))(request));
    const signal = controller.signal;
    const firstDelay = reply.firstTokenDelayMs ?? this.#options.firstTokenDelayMs ?? 0;
    const tokenDelay = reply.tokenDelayMs ?? this.#options.tokenDelayMs ?? 0;

    if (reply.error) {
      if (!(await sleep(firstDelay, signal))) return;
      sendJson(res, reply.error.status, openAIErrorBody(reply.error), reply.error.headers);
      return;
    }

    const calls = resolveToolCalls(reply.toolCalls ?? [], () => `call_fake${++this.#ids}`);
    const meta: CompletionMeta = {
      id: `chatcmpl-fake${++this.#ids}`,
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? request.body.model ?? "gpt-4o-mini",
      includeUsage: request.body.stream_options?.include_usage === true,
    };

    if (request.body.stream !== true) {
      if (!(await sleep(firstDelay, signal))) return;
      sendJson(res, 200, completionBody(reply, calls, meta), { "x-request-id": meta.id });
      return;
    }

    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
      "x-request-id": meta.id,
    });
    res.flushHeaders();
    const events = [...streamChunks(reply, calls, meta).map((c) => JSON.stringify(c)), "[DONE]"];
    for (const [i, data] of events.entries()) {
      if (i === reply.dropAfterChunks) {
        // Close the socket mid-body (FIN after what was written, no terminating chunk): the
        // client reads every event sent so far, then sees the connection end prematurely.
        settle("server-dropped");
        res.socket?.destroySoon();
        return;
      }
      if (i === reply.stallAfterChunks) {
        await untilAborted(signal);
        return;
      }
      if (!(await sleep(i === 0 ? firstDelay : tokenDelay, signal))) return;
      res.write(`data: ${data}\n\n`);
      chunksSent++;
    }
    res.end();
  }

  #models(): readonly string[] {
    return this.#options.models ?? ["gpt-4o-mini", "gpt-4o"];
  }

  #model(id: string): object {
    return { id, object: "model", created: 1_700_000_000, owned_by: "switchboard-fake" };
  }
}
