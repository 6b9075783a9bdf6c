import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { createLogger, SwitchboardError, toError, type Logger } from "@switchboard/core";
import { WebSocketServer, type WebSocket } from "ws";
import { callRequestFromQuery, parseCallRequestBody, type CallRequest } from "./call-request.js";
import {
  CloseCode,
  ConversationHarness,
  type ConversationHarnessOptions,
} from "./conversation-harness.js";
import { httpErrorOf, readJsonBody, rejectUpgrade, sendJson } from "./internal/http-json.js";
import { VoiceAgentSystem, type ShutdownReason } from "./voice-agent-system.js";

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
}

/** Where the app listens. `url` is connectable: an unspecified host (`0.0.0.0`, `::`) shows as `localhost`. */
export interface ListenInfo {
  host: string;
  port: number;
  url: string;
}

interface PendingCall {
  call: CallRequest;
  expiresAt: number;
}

type AppState = "idle" | "listening" | "closing" | "closed";

/** A call accepted by `POST /chats` is kept this long for its WebSocket to connect. */
const PENDING_CALL_TTL_MS = 5 * 60_000;
const MAX_PENDING_CALLS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;

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
  readonly #pending = new Map<string, PendingCall>();
  readonly #sessions = new Map<VoiceAgentSystem, Promise<void>>();
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #startedAt = Date.now();
  #state: AppState = "idle";
  #closed: Promise<void> | undefined;

  constructor(handler: CallHandler, options: VoiceAgentAppOptions = {}) {
    this.#handler = handler;
    this.#options = options;
    this.#maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.log = options.logger ?? createLogger();
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#maxFrameBytes });
    this.#server = createServer((req, res) => void this.#onRequest(req, res));
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
    const port = options.port ?? (process.env["PORT"] ? Number(process.env["PORT"]) : 8000);
    const host = options.host ?? "0.0.0.0";
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#state = "listening";
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
    return info;
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
   * Listens, and on SIGINT or SIGTERM closes every session and exits with code 0
   * (a second signal exits at once with code 1).
   * @example await new VoiceAgentApp(handler).run();
   */
  async run(options: { port?: number; host?: string } = {}): Promise<ListenInfo> {
    const info = await this.listen(options);
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      this.log.info({ signal }, "shutting down");
      void this.close().then(
        () => process.exit(0),
        (error: unknown) => {
          this.log.error({ err: toError(error) }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    return info;
  }

  async #close(): Promise<void> {
    const wasListening = this.#state === "listening";
    this.#state = "closing";
    const sessions = [...this.#sessions.entries()];
    await Promise.all(
      sessions.map(async ([system, done]) => {
        system.requestShutdown("server_shutdown");
        await system.cleanup(...CLOSE_BY_REASON.server_shutdown);
        await done;
      }),
    );
    this.#pending.clear();
    this.#wss.close();
    if (wasListening) {
      const stopped = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      this.#server.closeAllConnections();
      await stopped;
    }
    this.#state = "closed";
    this.log.info({ sessions: sessions.length }, "closed");
  }

  async #onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/status") {
        if (req.method !== "GET" && req.method !== "HEAD")
          throw new SwitchboardError("METHOD_NOT_ALLOWED", "use GET /status");
        sendJson(res, 200, {
          status: "ok",
          sessions: this.#sessions.size,
          uptime_s: Math.round((Date.now() - this.#startedAt) / 1000),
        });
      } else if (url.pathname === "/chats") {
        if (req.method !== "POST")
          throw new SwitchboardError("METHOD_NOT_ALLOWED", "use POST /chats");
        await this.#onChats(req, res);
      } else {
        throw new SwitchboardError(
          "NOT_FOUND",
          `no route for ${req.method ?? "GET"} ${url.pathname}`,
        );
      }
    } catch (error) {
      const answer = httpErrorOf(error);
      if (answer.internal) this.log.error({ err: toError(error) }, "request failed");
      sendJson(res, answer.status, { error: answer.message });
    }
  }

  async #onChats(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#state !== "listening") throw shuttingDown();
    const body = await readJsonBody(req, MAX_BODY_BYTES);
    const parsed = parseCallRequestBody(body);
    if (!parsed.ok) throw new SwitchboardError("INVALID_REQUEST", parsed.error);
    const accepted = await this.#preCall(parsed.call);
    if (accepted === null) throw rejected();
    this.#remember(accepted.call);
    const proto = req.headers["x-forwarded-proto"] === "https" ? "wss" : "ws";
    const host = req.headers.host ?? `localhost:${(this.#server.address() as AddressInfo).port}`;
    const websocketUrl = `${proto}://${host}/ws?call_id=${encodeURIComponent(accepted.call.callId)}`;
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

  #remember(call: CallRequest): void {
    const now = Date.now();
    for (const [id, pending] of this.#pending) {
      if (pending.expiresAt > now && this.#pending.size < MAX_PENDING_CALLS) break;
      this.#pending.delete(id);
    }
    this.#pending.set(call.callId, { call, expiresAt: now + PENDING_CALL_TTL_MS });
  }

  async #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on("error", (error) => this.log.debug({ err: error }, "upgrade socket error"));
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== "/ws")
        throw new SwitchboardError("NOT_FOUND", `no WebSocket route at ${url.pathname}`);
      if (this.#state !== "listening") throw shuttingDown();
      const call = await this.#callFor(url.searchParams);
      if (call === null) throw rejected();
      if (this.#state !== "listening") throw shuttingDown();
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#startSession(ws, call));
    } catch (error) {
      const answer = httpErrorOf(error);
      if (answer.internal) this.log.error({ err: toError(error) }, "upgrade failed");
      rejectUpgrade(socket, answer.status, answer.message);
    }
  }

  /** The call a WebSocket belongs to: the one `POST /chats` accepted, or one built from the query. */
  async #callFor(query: URLSearchParams): Promise<CallRequest | null> {
    const callId = query.get("call_id");
    const pending = callId === null ? undefined : this.#pending.get(callId);
    if (pending !== undefined && pending.expiresAt > Date.now()) {
      this.#pending.delete(pending.call.callId);
      return pending.call;
    }
    // Straight to /ws: the pre-call handler still decides, so it cannot be bypassed.
    const accepted = await this.#preCall(callRequestFromQuery(query));
    return accepted?.call ?? null;
  }

  #startSession(ws: WebSocket, call: CallRequest): void {
    const harness = new ConversationHarness(ws, {
      ...this.#options.harness,
      maxFrameBytes: this.#maxFrameBytes,
      logger: this.log,
      sessionId: call.callId,
    });
    const system = new VoiceAgentSystem(harness);
    const done = this.#runSession(system, call).finally(() => this.#sessions.delete(system));
    this.#sessions.set(system, done);
  }

  async #runSession(system: VoiceAgentSystem, call: CallRequest): Promise<void> {
    const log = system.harness.log;
    log.info({ callId: call.callId }, "call started");
    let reason: ShutdownReason;
    try {
      await this.#handler(system, call);
      // A handler may only configure the system; the session still runs until the call ends.
      await system.start();
      reason = await system.waitForShutdown();
    } catch (error) {
      log.error({ err: toError(error) }, "call handler failed");
      system.harness.sendError(`agent failed: ${toError(error).message}`);
      system.requestShutdown("error");
      reason = "error";
    }
    await system.cleanup(...CLOSE_BY_REASON[reason]);
    log.info({ callId: call.callId, reason }, "call ended");
  }
}
