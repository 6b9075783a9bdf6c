import cluster from "node:cluster";
import { randomBytes } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import {
  createLogger,
  readEnvConfig,
  SwitchboardError,
  toError,
  type Logger,
} from "@switchboard/core";
import { portInUse } from "./env-config.js";
import { endCallSpan, startCallSpan } from "./internal/call-span.js";
import {
  createPlaygroundHandler,
  DEBUG_QUERY_PARAM,
  loadPlaygroundAssets,
  type PlaygroundHandler,
} from "@switchboard/playground";
import { WebSocketServer, type WebSocket } from "ws";
import {
  callRequestFromQuery,
  checkMetadata,
  parseCallRequestBody,
  type CallRequest,
} from "./call-request.js";
import { signCallToken, verifyCallToken } from "./call-token.js";
import { AgentErrorCode, agentErrorFrame } from "./agent-error-frame.js";
import {
  CloseCode,
  ConversationHarness,
  type ConversationHarnessOptions,
} from "./conversation-harness.js";
import { Admission, type Readiness } from "./admission.js";
import {
  httpErrorOf,
  parseRequestUrl,
  readJsonBody,
  refuseOversized,
  rejectUpgrade,
  sendJson,
} from "./internal/http-json.js";
import { VoiceAgentSystem, type ShutdownReason } from "./voice-agent-system.js";
import { announceListening, runWorkerPool, type WorkerCount } from "./worker-pool.js";

/** Sets up one call: add nodes and bridges to `system`, start it, greet, wait for the end. */
export type CallHandler = (system: VoiceAgentSystem, call: CallRequest) => void | Promise<void>;

/** What a pre-call handler may add to a call. */
export interface PreCallResult {
  /** Merged into the call's metadata. */
  metadata?: Record<string, unknown>;
  /** Returned to the platform in the `POST /chats` response. */
  config?: unknown;
}

/** Runs before a call is accepted; `null` rejects it (403). */
export type PreCallHandler = (
  call: CallRequest,
) => PreCallResult | null | Promise<PreCallResult | null>;

/** Options of {@link VoiceAgentApp}. */
export interface VoiceAgentAppOptions {
  preCallHandler?: PreCallHandler;
  /** Largest WebSocket frame accepted; larger ones close the socket with 1009. Default 1 MiB. */
  maxFrameBytes?: number;
  /** A pino-compatible logger; default: pino at `LOG_LEVEL`. */
  logger?: Logger;
  /** Limits of each session's harness (buffered output, input rate and queue). */
  harness?: Omit<ConversationHarnessOptions, "maxFrameBytes" | "logger" | "sessionId">;
  /**
   * The key that signs call tokens (HMAC-SHA256). Default: `SWITCHBOARD_SECRET`. With a secret, a
   * WebSocket must carry a valid token from `POST /chats` (401 otherwise), and every instance that
   * shares the secret accepts it. Without one, each app signs with a random key of its own and `/ws`
   * also takes a call from its query string (development).
   */
  secret?: string;
  /** How long a `websocket_url` from `POST /chats` stays valid. Default 5 minutes. */
  callTokenTtlMs?: number;
  /** Largest `POST /chats` body; a larger one gets 413. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Largest call `metadata` as JSON (the pre-call handler's included); more gets 400. Default 16 KiB. */
  maxMetadataBytes?: number;
  /** Deepest nesting of call `metadata`; deeper gets 400. Default 8. */
  maxMetadataDepth?: number;
  /** How long a client may take to send a request's headers (Node's `headersTimeout`). Default 10 s. */
  headersTimeoutMs?: number;
  /** How long a client may take to send a whole request, body included (Node's `requestTimeout`). Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * How long a session's cleanup waits for each step running user code (its generations' teardown,
   * a node's `cleanup()`) before abandoning it with a log line. Default 2 s.
   */
  teardownTimeoutMs?: number;
  /**
   * How long `close()` (and SIGTERM under `run()`) waits for the sessions to end; past it the rest
   * are abandoned with a log line and their connections dropped. Default 10 s.
   */
  shutdownTimeoutMs?: number;
  /**
   * Serve the browser playground at `GET /playground`, and let its sessions ask for the debug
   * channel (`/ws?debug=1`: route topology and traces as `log_event` frames). A tool for
   * development: default off; `pnpm demo` and the examples turn it on.
   */
  playground?: boolean;
  /**
   * Most calls this process serves at once. Above it `POST /chats` and WebSocket upgrades get 503
   * with `Retry-After`, and `GET /ready` says `at_capacity`, so a load balancer tries elsewhere.
   * Default: no limit.
   */
  maxCalls?: number;
  /**
   * How long a drain (`drain()`, SIGTERM under `run()`) lets live calls finish before closing the
   * rest with 1001. Default 25 s: with a 5 s preStop it fits Kubernetes' default 30 s grace period.
   */
  drainTimeoutMs?: number;
}

/** Options of {@link VoiceAgentApp.run}. */
export interface AppRunOptions {
  port?: number;
  host?: string;
  /**
   * Worker processes on one port (`node:cluster`): a number, or `"auto"` for one per core. The
   * primary restarts a crashed worker with backoff and passes SIGTERM/SIGINT on to every worker.
   * Default 1: this process serves calls itself.
   */
  workers?: WorkerCount;
}

/** Where the app listens. `url` is connectable: an unspecified host (`0.0.0.0`, `::`) shows as `localhost`. */
export interface ListenInfo {
  host: string;
  port: number;
  url: string;
}

type AppState = "idle" | "listening" | "closing" | "closed";

/** A `websocket_url` must fit in a request line: Node refuses headers over 16 KiB. */
const MAX_WEBSOCKET_URL_BYTES = 12 * 1024;

const CLOSE_BY_REASON: Record<ShutdownReason, [number, string]> = {
  client_closed: [CloseCode.normal, "client closed"],
  client_error: [CloseCode.policyViolation, "client error"],
  end_call: [CloseCode.normal, "call ended"],
  transfer: [CloseCode.normal, "call transferred"],
  server_shutdown: [CloseCode.goingAway, "server shutting down"],
  error: [CloseCode.internalError, "agent failed"],
};

const shuttingDown = () => new SwitchboardError("SHUTTING_DOWN", "server is shutting down");
const rejected = () =>
  new SwitchboardError("CALL_REJECTED", "call rejected by the pre-call handler");

/**
 * The agent server: `POST /chats` accepts a call and answers with its `websocket_url`,
 * `GET /status` reports health, and each WebSocket on `/ws` is one call with its own
 * {@link VoiceAgentSystem}, set up by `handler`.
 * @example
 * const app = new VoiceAgentApp(async (system, call) => {
 *   const node = new MyNode({ systemPrompt: call.agent.systemPrompt });
 *   const bridge = new Bridge(node);
 *   bridge.conversation(node);
 *   system.withSpeakingNode(node, bridge);
 *   await system.start();
 *   await system.sendInitialMessage(call.agent.introduction || "Hello!");
 *   await system.waitForShutdown();
 * });
 * await app.run();
 */
export class VoiceAgentApp implements AsyncDisposable {
  readonly log: Logger;
  readonly #handler: CallHandler;
  readonly #options: VoiceAgentAppOptions;
  readonly #maxFrameBytes: number;
  readonly #secret: string;
  /** Whether the secret was configured (then every WebSocket needs a token). */
  readonly #requireToken: boolean;
  readonly #callTokenTtlMs: number;
  readonly #maxBodyBytes: number;
  readonly #metadataLimits: { maxDepth: number; maxBytes: number };
  readonly #sessions = new Map<VoiceAgentSystem, Promise<void>>();
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #startedAt = Date.now();
  readonly #admission: Admission;
  /** Wakes a drain when the last session ends. */
  #onIdle: (() => void) | undefined;
  #state: AppState = "idle";
  #playground: PlaygroundHandler | undefined;
  #closed: Promise<void> | undefined;
  /** The user's server the app is attached to, and how to give it back its own listeners. */
  #attached: { server: Server; detach: () => void } | undefined;

  constructor(handler: CallHandler, options: VoiceAgentAppOptions = {}) {
    this.#handler = handler;
    this.#options = options;
    this.#maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.log = options.logger ?? createLogger();
    this.#admission = new Admission(options.maxCalls);
    const secret = options.secret ?? process.env["SWITCHBOARD_SECRET"] ?? "";
    if (secret !== "" && Buffer.byteLength(secret) < 16)
      throw new Error("VoiceAgentApp: the secret (SWITCHBOARD_SECRET) must be at least 16 bytes");
    this.#requireToken = secret !== "";
    this.#secret = this.#requireToken ? secret : randomBytes(32).toString("base64url");
    this.#callTokenTtlMs = options.callTokenTtlMs ?? 5 * 60_000;
    this.#maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.#metadataLimits = {
      maxDepth: options.maxMetadataDepth ?? 8,
      maxBytes: options.maxMetadataBytes ?? 16 * 1024,
    };
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#maxFrameBytes });
    const headersTimeout = options.headersTimeoutMs ?? 10_000;
    const requestTimeout = options.requestTimeoutMs ?? 30_000;
    this.#server = createServer(
      {
        headersTimeout,
        requestTimeout,
        // Node checks those timeouts on this interval (default 30 s, longer than the timeouts).
        connectionsCheckingInterval: Math.max(10, Math.min(1000, headersTimeout / 2)),
      },
      (req, res) => void this.#onRequest(req, res),
    );
    this.#server.on("upgrade", (req, socket, head) => void this.#onUpgrade(req, socket, head));
  }

  /** Calls in progress. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * Starts listening. Port 0 picks a free port; the default is `PORT` or 8000, host `0.0.0.0`.
   * @example const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
   */
  async listen(options: { port?: number; host?: string } = {}): Promise<ListenInfo> {
    if (this.#state !== "idle")
      throw new SwitchboardError(
        "SESSION_CONFIG",
        `VoiceAgentApp.listen(): the app is ${this.#state}`,
      );
    const port = options.port ?? readEnvConfig().port ?? 8000;
    const host = options.host ?? "0.0.0.0";
    if (this.#options.playground === true) {
      this.#playground = createPlaygroundHandler(await loadPlaygroundAssets());
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        reject(error.code === "EADDRINUSE" ? portInUse(port, error) : error);
      this.#server.once("error", onError);
      this.#server.listen(port, host, () => {
        this.#server.off("error", onError);
        resolve();
      });
    });
    this.#state = "listening";
    if (!this.#requireToken && process.env["NODE_ENV"] === "production") {
      this.log.warn(
        { nodeEnv: "production" },
        "SWITCHBOARD_SECRET is not set: any client can open /ws without a call token; set it in production",
      );
    }
    const address = this.#server.address() as AddressInfo;
    const shown =
      address.address === "0.0.0.0" || address.address === "::" ? "localhost" : address.address;
    const urlHost = shown.includes(":") ? `[${shown}]` : shown;
    const info = {
      host: address.address,
      port: address.port,
      url: `http://${urlHost}:${address.port}`,
    };
    this.log.info({ host: info.host, port: info.port }, "listening");
    if (this.#playground !== undefined) {
      this.log.info({ url: `${info.url}/playground` }, "playground enabled");
    }
    return info;
  }

  /**
   * Mounts the app on your own `http.Server` (Express, Fastify's `server`, plain `node:http`)
   * instead of listening itself: the app serves `POST /chats`, `/health`, `/ready`, `/status`,
   * the playground when enabled, and WebSocket upgrades to `/ws`; every other request and upgrade
   * goes to the listeners the server had when `attach` was called, as before. `close()` and
   * `drain()` end the calls and give the server back its own listeners; they do not close it.
   * Attach before the server takes requests; your server's own timeouts apply.
   * @example
   * const server = http.createServer(expressApp);
   * await app.attach(server);
   * server.listen(8000);
   */
  async attach(server: Server): Promise<void> {
    if (this.#state !== "idle")
      throw new SwitchboardError(
        "SESSION_CONFIG",
        `VoiceAgentApp.attach(): the app is ${this.#state}`,
      );
    if (this.#options.playground === true) {
      this.#playground = createPlaygroundHandler(await loadPlaygroundAssets());
    }
    const ownRequest = server.listeners("request") as RequestListener[];
    const ownUpgrade = server.listeners("upgrade") as UpgradeListener[];
    const onRequest: RequestListener = (req, res) => {
      const fallThrough =
        ownRequest.length === 0
          ? undefined
          : () => {
              for (const listener of ownRequest) listener.call(server, req, res);
            };
      void this.#onRequest(req, res, fallThrough);
    };
    const onUpgrade: UpgradeListener = (req, socket, head) => {
      if (ownUpgrade.length > 0 && pathnameOf(req) !== "/ws") {
        for (const listener of ownUpgrade) listener.call(server, req, socket, head);
        return;
      }
      void this.#onUpgrade(req, socket, head);
    };
    server.removeAllListeners("request").removeAllListeners("upgrade");
    server.on("request", onRequest).on("upgrade", onUpgrade);
    this.#attached = {
      server,
      detach: () => {
        server.off("request", onRequest).off("upgrade", onUpgrade);
        for (const listener of ownRequest) server.on("request", listener);
        for (const listener of ownUpgrade) server.on("upgrade", listener);
      },
    };
    this.#state = "listening";
    this.log.info({ attached: true }, "attached to a server");
  }

  /**
   * Stops accepting calls, ends every session (close 1001, generations cancelled) and stops the
   * server. Idempotent.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  /** `idle → listening → closing → closed`. */
  get state(): "idle" | "listening" | "closing" | "closed" {
    return this.#state;
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Listens and exits 0 when told to stop: on SIGTERM it drains (live calls may finish, up to
   * `drainTimeoutMs`), on SIGINT it closes every call at once (1001); a second signal exits at
   * once with code 1. With `workers`, this process becomes the primary of a worker pool on one port.
   * @example await new VoiceAgentApp(handler).run({ workers: "auto" });
   */
  async run(options: AppRunOptions = {}): Promise<ListenInfo> {
    const { workers = 1, ...where } = options;
    if (workers !== 1 && cluster.isPrimary) return runWorkerPool({ workers, log: this.log });
    const info = await this.listen(where);
    announceListening(info);
    let stopping = false;
    const stop = (how: "drain" | "close", why: string) => {
      if (stopping) process.exit(1);
      stopping = true;
      this.log.info({ signal: why }, how === "drain" ? "draining" : "shutting down");
      void (how === "drain" ? this.drain() : this.close()).then(
        () => process.exit(0),
        (error: unknown) => {
          this.log.error({ err: toError(error) }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => stop("drain", "SIGTERM"));
    process.on("SIGINT", () => stop("close", "SIGINT"));
    // A worker whose primary went away drains too.
    if (cluster.isWorker) process.once("disconnect", () => stopping || stop("drain", "disconnect"));
    return info;
  }

  /**
   * Stops taking calls (`/ready` turns false; new `POST /chats` and upgrades get 503 with
   * `Retry-After`), lets live calls finish for up to `drainTimeoutMs`, then closes the rest with
   * 1001 and stops the server, as `close()` does. Idempotent.
   * @example process.on("SIGTERM", () => void app.drain().then(() => process.exit(0)));
   */
  async drain(): Promise<void> {
    this.#admission.drain();
    const timeoutMs = this.#options.drainTimeoutMs ?? 25_000;
    if (this.#sessions.size > 0 && this.#state === "listening") {
      this.log.info({ calls: this.#sessions.size, drainTimeoutMs: timeoutMs }, "draining calls");
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#onIdle = resolve;
        timer = setTimeout(resolve, timeoutMs);
      });
      clearTimeout(timer);
      this.#onIdle = undefined;
      if (this.#sessions.size > 0)
        this.log.warn({ calls: this.#sessions.size }, "drain deadline passed: closing the rest");
    }
    await this.close();
  }

  /** What `GET /ready` reports: false while draining or at `maxCalls`. */
  readiness(): Readiness {
    return this.#admission.readiness();
  }

  async #close(): Promise<void> {
    const wasListening = this.#state === "listening";
    this.#state = "closing";
    this.#admission.close();
    const sessions = [...this.#sessions.entries()];
    const ended = Promise.all(
      sessions.map(async ([system, done]) => {
        system.requestShutdown("server_shutdown");
        await system.cleanup(...CLOSE_BY_REASON.server_shutdown);
        await done;
      }),
    );
    const shutdownTimeoutMs = this.#options.shutdownTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), shutdownTimeoutMs);
    });
    if ((await Promise.race([ended, late])) === "late") {
      this.log.warn(
        { sessions: this.#sessions.size, shutdownTimeoutMs },
        "shutdown deadline passed: abandoning the sessions still running",
      );
      for (const ws of this.#wss.clients) ws.terminate();
    }
    clearTimeout(timer);
    this.#wss.close();
    if (this.#attached !== undefined) {
      this.#attached.detach();
    } else if (wasListening) {
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await stopped;
    }
    this.#state = "closed";
    this.log.info({ sessions: sessions.length }, "closed");
  }

  /** Serves the app's routes; anything else goes to `fallThrough` (an attached server's own), else 404. */
  async #onRequest(
    req: IncomingMessage,
    res: ServerResponse,
    fallThrough?: () => void,
  ): Promise<void> {
    try {
      const url = parseRequestUrl(req);
      if (url.pathname === "/status" || url.pathname === "/health" || url.pathname === "/ready") {
        if (req.method !== "GET" && req.method !== "HEAD")
          throw new SwitchboardError("METHOD_NOT_ALLOWED", `use GET ${url.pathname}`);
        this.#sendHealth(url.pathname, res);
      } else if (url.pathname === "/chats") {
        if (req.method !== "POST")
          throw new SwitchboardError("METHOD_NOT_ALLOWED", "use POST /chats");
        await this.#onChats(req, res);
      } else if (this.#playground?.(req, res) === true) {
        return;
      } else if (fallThrough !== undefined) {
        fallThrough();
      } else {
        throw new SwitchboardError(
          "NOT_FOUND",
          `no route for ${req.method ?? "GET"} ${url.pathname}`,
        );
      }
    } catch (error) {
      const answer = httpErrorOf(error);
      if (answer.internal) this.log.error({ err: toError(error) }, "request failed");
      else this.log.debug({ status: answer.status, problem: answer.message }, "request refused");
      if (answer.status === 413) refuseOversized(req, res, answer.message);
      else sendJson(res, answer.status, { error: answer.message }, answer.headers);
    }
  }

  /** `/health`: the process serves HTTP; `/ready`: it takes calls; `/status`: both, with counts. */
  #sendHealth(path: string, res: ServerResponse): void {
    const readiness = this.#admission.readiness();
    if (path === "/health") return sendJson(res, 200, { status: "ok" });
    if (path === "/ready")
      return sendJson(res, readiness.ready ? 200 : 503, {
        ready: readiness.ready,
        ...(readiness.reason === undefined ? {} : { reason: readiness.reason }),
      });
    sendJson(res, 200, {
      status: "ok",
      ready: readiness.ready,
      sessions: this.#sessions.size,
      calls: readiness.calls,
      capacity: readiness.capacity,
      draining: readiness.draining,
      uptime_s: Math.round((Date.now() - this.#startedAt) / 1000),
    });
  }

  /** Throws the 503 a new call gets while draining, closing or full. */
  #admit(): void {
    if (this.#state !== "listening") throw shuttingDown();
    const refusal = this.#admission.refusal();
    if (refusal === "at_capacity")
      throw new SwitchboardError("AT_CAPACITY", "this instance is at capacity; try another");
    if (refusal !== undefined) throw shuttingDown();
  }

  async #onChats(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.#admit();
    const body = await readJsonBody(req, this.#maxBodyBytes);
    const parsed = parseCallRequestBody(body);
    if (!parsed.ok) throw new SwitchboardError("INVALID_REQUEST", parsed.error);
    this.#checkMetadata(parsed.call);
    const accepted = await this.#preCall(parsed.call);
    if (accepted === null) throw rejected();
    this.#checkMetadata(accepted.call);
    // The call travels in the signed token: nothing is kept here, so no call can be replaced or
    // taken over by another POST, and any instance with the same secret accepts the WebSocket.
    const token = signCallToken(accepted.call, {
      secret: this.#secret,
      ttlMs: this.#callTokenTtlMs,
    });
    const proto = req.headers["x-forwarded-proto"] === "https" ? "wss" : "ws";
    const server = this.#attached?.server ?? this.#server;
    const host = req.headers.host ?? `localhost:${(server.address() as AddressInfo).port}`;
    const websocketUrl = `${proto}://${host}/ws?call_id=${encodeURIComponent(accepted.call.callId)}&token=${token}`;
    if (Buffer.byteLength(websocketUrl) > MAX_WEBSOCKET_URL_BYTES) {
      throw new SwitchboardError(
        "PAYLOAD_TOO_LARGE",
        `call request too large for its call token (over ${MAX_WEBSOCKET_URL_BYTES} bytes once signed); shorten agent.system_prompt or metadata`,
      );
    }
    sendJson(res, 200, {
      websocket_url: websocketUrl,
      ...(accepted.config === undefined ? {} : { config: accepted.config }),
    });
  }

  /** Runs the pre-call handler: `null` means rejected. Its metadata merges into the call's. */
  async #preCall(call: CallRequest): Promise<{ call: CallRequest; config: unknown } | null> {
    const handler = this.#options.preCallHandler;
    if (handler === undefined) return { call, config: undefined };
    const result = await handler(call);
    if (result === null) return null;
    return {
      call: { ...call, metadata: { ...call.metadata, ...result.metadata } },
      config: result.config,
    };
  }

  #checkMetadata(call: CallRequest): void {
    const problem = checkMetadata(call.metadata, this.#metadataLimits);
    if (problem !== undefined) throw new SwitchboardError("INVALID_REQUEST", problem);
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Client-caused (a reset mid-handshake): no stack.
    socket.on("error", (error) =>
      this.log.debug({ problem: error.message }, "upgrade socket error"),
    );
    try {
      const url = parseRequestUrl(req);
      if (url.pathname !== "/ws")
        throw new SwitchboardError("NOT_FOUND", `no WebSocket route at ${url.pathname}`);
      this.#admit();
      const call = await this.#callFor(url.searchParams);
      if (call === null) throw rejected();
      this.#admit();
      // The debug channel exists only where the playground is served: never in production by default.
      const debugChannel =
        this.#playground !== undefined && url.searchParams.get(DEBUG_QUERY_PARAM) === "1";
      // The slot is taken now, so concurrent upgrades cannot overshoot `maxCalls`; a handshake
      // that never completes gives it back when its socket closes.
      const release = this.#admission.admit();
      socket.once("close", release);
      this.#wss.handleUpgrade(req, socket, head, (ws) =>
        this.#startSession(ws, call, release, debugChannel),
      );
    } catch (error) {
      const answer = httpErrorOf(error);
      if (answer.internal) this.log.error({ err: toError(error) }, "upgrade failed");
      else this.log.debug({ status: answer.status, problem: answer.message }, "upgrade refused");
      rejectUpgrade(socket, answer.status, answer.message, answer.headers);
    }
  }

  /**
   * The call a WebSocket belongs to: the one its token carries (signed by `POST /chats`), or — with
   * no secret configured — one built from the query, which the pre-call handler still decides on.
   */
  async #callFor(query: URLSearchParams): Promise<CallRequest | null> {
    const token = query.get("token");
    if (token !== null) {
      const verified = verifyCallToken(token, { secret: this.#secret });
      if (verified.ok) return verified.call;
      throw new SwitchboardError(
        "UNAUTHORIZED",
        `call token refused: ${verified.reason.replace("_", " ")}`,
      );
    }
    if (this.#requireToken)
      throw new SwitchboardError("UNAUTHORIZED", "a call token is required: POST /chats first");
    const call = callRequestFromQuery(query);
    this.#checkMetadata(call);
    const accepted = await this.#preCall(call);
    return accepted?.call ?? null;
  }

  #startSession(
    ws: WebSocket,
    call: CallRequest,
    release: () => void,
    debugChannel: boolean,
  ): void {
    const harness = new ConversationHarness(ws, {
      ...this.#options.harness,
      maxFrameBytes: this.#maxFrameBytes,
      logger: this.log,
      sessionId: call.callId,
    });
    const span = startCallSpan(call.callId);
    const system = new VoiceAgentSystem(harness, {
      debugChannel,
      ...(span.context !== undefined && { traceContext: span.context }),
      ...(this.#options.teardownTimeoutMs !== undefined && {
        teardownTimeoutMs: this.#options.teardownTimeoutMs,
      }),
    });
    const done = this.#runSession(system, call)
      .then(
        (reason) => endCallSpan(span, reason),
        (error: unknown) => {
          endCallSpan(span, "error");
          throw error;
        },
      )
      .finally(() => {
        this.#sessions.delete(system);
        release();
        if (this.#sessions.size === 0) this.#onIdle?.();
      });
    this.#sessions.set(system, done);
  }

  /** Runs one call to its end; resolves with why it ended. */
  async #runSession(system: VoiceAgentSystem, call: CallRequest): Promise<ShutdownReason> {
    const log = system.harness.log;
    log.info({ callId: call.callId }, "call started");
    let reason: ShutdownReason;
    try {
      // A handler stuck in its own await must not keep a finished call's session alive.
      const configured = Promise.resolve(this.#handler(system, call)).then(() => "configured");
      if ((await Promise.race([configured, system.waitForShutdown()])) === "configured") {
        // A handler may only configure the system; the session still runs until the call ends.
        await system.start();
      }
      reason = await system.waitForShutdown();
    } catch (error) {
      system.harness.send(
        agentErrorFrame(log, AgentErrorCode.handlerFailed, error, { callId: call.callId }),
      );
      system.requestShutdown("error");
      reason = "error";
    }
    await system.cleanup(...CLOSE_BY_REASON[reason]);
    log.info({ callId: call.callId, reason }, "call ended");
    return reason;
  }
}

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The path of a request, or `undefined` when its URL does not parse. */
function pathnameOf(req: IncomingMessage): string | undefined {
  try {
    return parseRequestUrl(req).pathname;
  } catch {
    return undefined;
  }
}
