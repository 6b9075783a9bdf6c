import { randomUUID } from "node:crypto";
import { createLogger, type Logger } from "@switchboard/core";
import type { RawData, WebSocket } from "ws";
import { parseInputFrame, type OutputFrame } from "./frames.js";
import { InputQueue } from "./internal/input-queue.js";
import { startHeartbeat } from "./internal/heartbeat.js";
import { InputRateLimiter } from "./internal/input-rate-limiter.js";

/** Close codes the harness uses (RFC 6455). */
export const CloseCode = {
  /** The call ended (`end_call`, transfer done, or the session was closed on purpose). */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** The client broke a limit: it reads output too slowly or floods input faster than it is handled. */
  policyViolation: 1008,
  /** A frame was larger than `maxFrameBytes`. */
  messageTooBig: 1009,
  /** The agent failed to set the session up. */
  internalError: 1011,
} as const;

/** Options of {@link ConversationHarness}. */
export interface ConversationHarnessOptions {
  /** Largest input frame accepted; a larger one closes the socket with 1009. Default 1 MiB. */
  maxFrameBytes?: number;
  /**
   * Output bytes that may wait unsent for a slow client; past this the session is closed with
   * 1008 and nothing more is buffered. Default 8 MiB.
   */
  maxBufferedBytes?: number;
  /**
   * Input events that may wait for the bus. At this mark the socket stops reading (TCP
   * back-pressure) until the bus catches up; at four times it (a client that keeps writing into
   * already-read buffers) the session is closed with 1008. Default 256.
   */
  maxQueuedFrames?: number;
  /**
   * Input frames per second (a burst of one second's worth). Over it, reading pauses until the
   * client is back under the rate (TCP back-pressure); nothing is dropped. Default 200.
   */
  maxFramesPerSecond?: number;
  /**
   * Input bytes per second, with a burst of `maxFrameBytes`. Over it, reading pauses like for
   * `maxFramesPerSecond`. Default 64 KiB (a person speaks about 20 bytes per second).
   */
  maxBytesPerSecond?: number;
  /** A client that keeps sending over an input rate this long is closed with 1008. Default 5 s. */
  maxOverRateMs?: number;
  /**
   * Pings the client this often; one that has not answered the previous ping is terminated (a
   * vanished peer). 0 turns the heartbeat off. Default 30 s.
   */
  heartbeatIntervalMs?: number;
  /** How long `close()` waits for the client's close handshake before dropping the connection. Default 5 s. */
  closeTimeoutMs?: number;
  /** A pino-compatible logger; default: pino at `LOG_LEVEL`. */
  logger?: Logger;
  /** Id for logs. Default: a random UUID. */
  sessionId?: string;
  /** The rate limiter's clock in ms. Default `performance.now`; tests pass their own. */
  now?: () => number;
}

/** How the WebSocket closed. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** How the session ended: the close code and reason, and which side started the close. */
export interface EndInfo extends CloseInfo {
  by: "client" | "server";
}

/** Counters of one session. */
export interface HarnessStats {
  /** Input frames received (valid or not). */
  framesIn: number;
  /** Input frames turned into events. */
  eventsIn: number;
  /** Input frames answered with an `error` frame or dropped over the rate limit. */
  rejected: number;
  /** Output frames handed to the socket. */
  framesOut: number;
  /** Output frames not sent because the session was closing or closed. */
  droppedOut: number;
  /** Times reading was paused because input waited for the bus. */
  pauses: number;
  /** Times reading was paused because the client sent over an input rate. */
  ratePauses: number;
}

type HarnessState = "open" | "closing" | "closed";

/**
 * One WebSocket session of the wire protocol: validates input frames into events (for
 * `bridge.withInputRouting(harness.events)`) and sends output frames in the order they are given.
 * Bad input gets an `error` frame and the session goes on.
 * @example
 * wss.on("connection", (ws) => {
 *   const harness = new ConversationHarness(ws);
 *   const userBridge = new Bridge("user").withInputRouting(harness.events);
 *   harness.send({ type: "message", content: "Hello!" });
 * });
 */
export class ConversationHarness {
  /** The user's input as events, in arrival order. One consumer (the user bridge); ends when the socket closes. */
  readonly events: AsyncIterable<object>;
  /** Resolves once the socket has closed, from either side. */
  readonly closed: Promise<CloseInfo>;
  /**
   * Resolves as soon as the session is over: the client closed, or the harness started closing
   * (a limit was broken, or `close()` was called) — before a slow client has read its close frame.
   */
  readonly ended: Promise<EndInfo>;
  readonly sessionId: string;
  readonly log: Logger;
  readonly stats: HarnessStats = {
    framesIn: 0,
    eventsIn: 0,
    rejected: 0,
    framesOut: 0,
    droppedOut: 0,
    pauses: 0,
    ratePauses: 0,
  };
  readonly #ws: WebSocket;
  readonly #queue: InputQueue<object>;
  readonly #maxFrameBytes: number;
  readonly #maxBufferedBytes: number;
  readonly #maxQueuedFrames: number;
  readonly #rate: InputRateLimiter;
  readonly #closeTimeoutMs: number;
  #state: HarnessState = "open";
  /** Why reading is paused: input waiting for the bus, or a client over an input rate. */
  readonly #pausedFor = new Set<"queue" | "rate">();
  #rateTimer: NodeJS.Timeout | undefined;
  readonly #stopHeartbeat: () => void;
  #closeTimer: NodeJS.Timeout | undefined;
  #resolveClosed!: (info: CloseInfo) => void;
  #resolveEnded!: (info: EndInfo) => void;
  readonly #now: () => number;

  constructor(ws: WebSocket, options: ConversationHarnessOptions = {}) {
    this.#ws = ws;
    this.sessionId = options.sessionId ?? randomUUID();
    this.log = (options.logger ?? createLogger()).child({ session: this.sessionId });
    this.#maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.#maxQueuedFrames = options.maxQueuedFrames ?? 256;
    this.#now = options.now ?? (() => performance.now());
    this.#rate = new InputRateLimiter({
      framesPerSecond: options.maxFramesPerSecond ?? 200,
      bytesPerSecond: options.maxBytesPerSecond ?? 64 * 1024,
      burstBytes: this.#maxFrameBytes,
      maxOverLimitMs: options.maxOverRateMs ?? 5000,
      now: this.#now,
    });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.#queue = new InputQueue((size) => {
      if (size < this.#maxQueuedFrames / 2) this.#resume("queue");
    });
    this.events = this.#queue;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));

    ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    // ws emits `error` for protocol violations (including maxPayload, which it closes with 1009);
    // without a listener that would crash the process.
    // Client-caused: logged without a stack, at info.
    ws.on("error", (error: Error & { code?: string }) =>
      this.log.info({ problem: error.message, code: error.code }, "websocket protocol error"),
    );
    ws.on("close", (code, reason) => this.#onClose(code, reason.toString()));
    const heartbeatMs = options.heartbeatIntervalMs ?? 30_000;
    this.#stopHeartbeat =
      heartbeatMs > 0
        ? startHeartbeat(ws, heartbeatMs, () =>
            this.log.info({ heartbeatMs }, "no pong from the client, connection dropped"),
          )
        : () => undefined;
    if (ws.readyState === ws.CLOSED) this.#onClose(1006, "");
  }

  /** `"open"`, `"closing"` (close sent, waiting for the client) or `"closed"`. */
  get state(): HarnessState {
    return this.#state;
  }

  /** Bytes handed to the socket that the client has not read yet. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /**
   * Sends one output frame. Returns false (and sends nothing) once the session is closing. A client
   * that leaves more than `maxBufferedBytes` unread is closed with 1008.
   * @example harness.send({ type: "message", content: "Hi!" })
   */
  send(frame: OutputFrame): boolean {
    if (this.#state !== "open" || this.#ws.readyState !== this.#ws.OPEN) {
      this.stats.droppedOut++;
      return false;
    }
    this.#ws.send(JSON.stringify(frame));
    this.stats.framesOut++;
    const buffered = this.#ws.bufferedAmount;
    if (buffered > this.#maxBufferedBytes) {
      this.log.warn({ buffered, limit: this.#maxBufferedBytes }, "client too slow, closing");
      void this.close(
        CloseCode.policyViolation,
        `client too slow: over ${this.#maxBufferedBytes} bytes of output unread`,
      );
    }
    return true;
  }

  /** Sends an `error` frame. */
  sendError(content: string): boolean {
    return this.send({ type: "error", content });
  }

  /**
   * Closes the session (idempotent): stops reading input, sends the close frame after any queued
   * output, and resolves once the socket has closed — or drops the connection after `closeTimeoutMs`.
   * @example await harness.close(1000, "call ended")
   */
  close(code: number = CloseCode.normal, reason = "session ended"): Promise<CloseInfo> {
    if (this.#state === "open") {
      this.#state = "closing";
      this.#queue.end();
      const short = truncateReason(reason);
      this.#resolveEnded({ code, reason: short, by: "server" });
      clearTimeout(this.#rateTimer);
      this.#ws.close(code, short);
      // Paused input would never read the client's close frame; what it reads now is ignored.
      if (this.#ws.isPaused) this.#ws.resume();
      this.#closeTimer = setTimeout(() => this.#ws.terminate(), this.#closeTimeoutMs);
    }
    return this.closed;
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    if (this.#state !== "open") return;
    this.stats.framesIn++;
    const size = byteLength(data);
    if (size > this.#maxFrameBytes) {
      this.stats.rejected++;
      void this.close(
        CloseCode.messageTooBig,
        `frame of ${size} bytes exceeds the ${this.#maxFrameBytes}-byte limit`,
      );
      return;
    }
    // Counted before parsing: a flood of bad frames is still a flood.
    const verdict = this.#rate.admit(size);
    if (verdict.action === "close") {
      this.log.info({ overForMs: verdict.overForMs }, "input flood, closing");
      void this.close(CloseCode.policyViolation, "input over the rate limit for too long");
      return;
    }
    if (verdict.action === "pause") this.#pauseForRate(verdict.ms);
    if (isBinary) {
      this.#reject("binary frames are not supported; send JSON text frames");
      return;
    }
    const parsed = parseInputFrame(toText(data));
    if (!parsed.ok) {
      this.#reject(parsed.error);
      return;
    }
    this.stats.eventsIn++;
    this.#queue.push(parsed.event);
    const queued = this.#queue.size;
    if (queued >= this.#maxQueuedFrames * 4) {
      this.log.info({ queued }, "input flood, closing");
      void this.close(
        CloseCode.policyViolation,
        `too many frames: over ${queued} waiting to be handled`,
      );
    } else if (queued >= this.#maxQueuedFrames && !this.#pausedFor.has("queue")) {
      this.log.debug({ queued }, "input paused");
      this.stats.pauses++;
      this.#pause("queue");
    }
  }

  /** Stops reading until the client is back under its input rate: the frame was read, nothing is dropped. */
  #pauseForRate(ms: number): void {
    if (this.#pausedFor.has("rate")) return;
    this.stats.ratePauses++;
    this.log.debug({ ms }, "input over rate, paused");
    this.#pause("rate");
    this.#rateTimer = setTimeout(() => this.#resume("rate"), ms);
  }

  #pause(reason: "queue" | "rate"): void {
    this.#pausedFor.add(reason);
    if (!this.#ws.isPaused) this.#ws.pause();
  }

  #resume(reason: "queue" | "rate"): void {
    if (!this.#pausedFor.delete(reason)) return;
    if (this.#pausedFor.size === 0 && this.#ws.isPaused && this.#state === "open")
      this.#ws.resume();
  }

  #reject(problem: string): void {
    this.stats.rejected++;
    this.log.debug({ problem }, "bad input frame");
    this.sendError(problem);
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#closeTimer);
    clearTimeout(this.#rateTimer);
    this.#stopHeartbeat();
    this.#queue.end();
    this.log.debug({ code, reason }, "websocket closed");
    this.#resolveEnded({ code, reason, by: "client" });
    this.#resolveClosed({ code, reason });
  }
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return data.byteLength;
}

function toText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}

/** A close reason must fit in 123 bytes of UTF-8. */
function truncateReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 120);
  while (Buffer.byteLength(cut) > 120) cut = cut.slice(0, -1);
  return `${cut}...`;
}
