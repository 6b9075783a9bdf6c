import {
  createLogger,
  SwitchboardError,
  type Logger,
  type SwitchboardErrorCode,
} from "@switchboard/core";
import {
  CloseCode,
  newCallId,
  type InputPort,
  type OutputFrame,
  type Transport,
  type TransportEnd,
} from "@switchboard/protocol";
import type { RawData, WebSocket } from "ws";
import { parseInputFrame } from "./frames.js";
import { startHeartbeat } from "./internal/heartbeat.js";
import { InputRateLimiter } from "./internal/input-rate-limiter.js";
import { TickWriteCoalescer } from "./internal/tick-write-coalescer.js";

export { CloseCode };

/** How long a flooder closed with 1008 has to receive its close frame before it is dropped. */
const FLOODER_CLOSE_GRACE_MS = 200;

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
   * Input events that may wait for the bus (published, back-pressure not yet released; or read
   * before the input port was connected). At this mark the socket stops reading (TCP
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
  /**
   * A client that keeps sending over an input rate this long (or owes more than this at once) is
   * closed with 1008. Default 5 s.
   */
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
  /** Id for logs (the app passes the call id). Default: a new call id (`newCallId()`). */
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
export type EndInfo = TransportEnd;

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

type PauseReason = "queue" | "rate";

/** The bit of each reason in `#pausedFor`. */
const PAUSED_FOR: Readonly<Record<PauseReason, number>> = { queue: 1, rate: 2 };

/**
 * One WebSocket session of the wire protocol, the `ws` `Transport`: validates input frames
 * into events and hands each to the input port the moment it is parsed (control events act at
 * once), reading no more while the bus holds input back; sends output frames in the order they
 * are given. Bad input gets an `error` frame and the session goes on.
 * @example
 * wss.on("connection", (ws) => {
 *   const harness = new ConversationHarness(ws);
 *   harness.connectInput((event) => userBridge.publish(event));
 *   harness.send({ type: "message", content: "Hello!" });
 * });
 */
export class ConversationHarness implements Transport, AsyncDisposable {
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
  /** The frames of one tick leave in one write. */
  readonly #writes: TickWriteCoalescer;
  #port: InputPort | undefined;
  /** Events read before the port was connected; delivered in order by `connectInput`. */
  #early: object[] | undefined = [];
  /** Input events the bus has not released yet (their publish is pending), plus `#early`. */
  #waiting = 0;
  readonly #maxFrameBytes: number;
  readonly #maxBufferedBytes: number;
  readonly #maxQueuedFrames: number;
  readonly #rate: InputRateLimiter;
  readonly #closeTimeoutMs: number;
  #state: HarnessState = "open";
  /**
   * Why reading is paused (bits of {@link PAUSED_FOR}): input waiting for the bus, or a client
   * over an input rate. A number rather than a `Set`: every session holds it for its whole life.
   */
  #pausedFor = 0;
  #rateTimer: NodeJS.Timeout | undefined;
  /** Closed for flooding: its socket is never read again. */
  #flooder = false;
  readonly #stopHeartbeat: () => void;
  #closeTimer: NodeJS.Timeout | undefined;
  #resolveClosed!: (info: CloseInfo) => void;
  #resolveEnded!: (info: EndInfo) => void;
  readonly #now: () => number;

  constructor(ws: WebSocket, options: ConversationHarnessOptions = {}) {
    this.#ws = ws;
    this.#writes = new TickWriteCoalescer(ws);
    this.sessionId = options.sessionId ?? newCallId();
    this.log = (options.logger ?? createLogger()).child({ session: this.sessionId });
    this.#maxFrameBytes = options.maxFrameBytes ?? 1024 * 1024;
    this.#maxBufferedBytes = options.maxBufferedBytes ?? 8 * 1024 * 1024;
    this.#maxQueuedFrames = options.maxQueuedFrames ?? 256;
    this.#now = options.now ?? performanceNow;
    this.#rate = new InputRateLimiter({
      framesPerSecond: options.maxFramesPerSecond ?? 200,
      bytesPerSecond: options.maxBytesPerSecond ?? 64 * 1024,
      burstBytes: this.#maxFrameBytes,
      maxOverLimitMs: options.maxOverRateMs ?? 5000,
      now: this.#now,
    });
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 5000;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.ended = new Promise((resolve) => (this.#resolveEnded = resolve));

    ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    // ws emits `error` for protocol violations (including maxPayload, which it closes with 1009);
    // without a listener that would crash the process. Client-caused: info, without a stack.
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
    this.#writes.hold();
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

  /**
   * Sends an `error` frame, with a machine-readable `code` when given.
   * @example harness.sendError('unknown frame type "shout"', "PROTOCOL_ERROR")
   */
  sendError(content: string, code?: SwitchboardErrorCode): boolean {
    return this.send(
      code === undefined ? { type: "error", content } : { type: "error", content, code },
    );
  }

  /**
   * Starts handing input events to `port`, first those read before (in order). Each event goes
   * to the port the moment its frame is parsed; while more than `maxQueuedFrames` of the port's
   * promises (the bus's back-pressure) are pending, the socket is not read. One port per session.
   * @example harness.connectInput((event) => userBridge.publish(event));
   */
  connectInput(port: InputPort): void {
    if (this.#port !== undefined) {
      throw new SwitchboardError("SESSION_CONFIG", "a harness's input can be connected only once");
    }
    this.#port = port;
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#waiting -= early.length;
    for (const event of early) this.#deliver(event);
    this.#maybeResume();
  }

  /**
   * Closes the session (idempotent): stops reading input, sends the close frame after any queued
   * output, and resolves once the socket has closed — or drops the connection after `closeTimeoutMs`.
   * @example await harness.close(1000, "call ended")
   */
  close(code: number = CloseCode.normal, reason = "session ended"): Promise<CloseInfo> {
    if (this.#state === "open") {
      this.#state = "closing";
      this.#early = undefined;
      const short = truncateReason(reason);
      this.#resolveEnded({ code, reason: short, by: "server" });
      clearTimeout(this.#rateTimer);
      this.#ws.close(code, short);
      // Paused input would never read the client's close frame; what it reads now is ignored.
      // A flooder's is not worth reading its flood for: it is dropped after a short grace.
      if (this.#ws.isPaused && !this.#flooder) this.#ws.resume();
      this.#closeTimer = setTimeout(
        () => this.#ws.terminate(),
        this.#flooder
          ? Math.min(this.#closeTimeoutMs, FLOODER_CLOSE_GRACE_MS)
          : this.#closeTimeoutMs,
      );
    }
    return this.closed;
  }

  /** Same as `close()` with its defaults, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
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
      // Reading on to find the client's close frame would mean reading the flood: stay paused.
      this.#flooder = true;
      this.#pause("rate");
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
    if (this.#early !== undefined) {
      this.#early.push(parsed.event);
      this.#waiting++;
    } else {
      this.#deliver(parsed.event);
    }
    const queued = this.#waiting;
    if (queued >= this.#maxQueuedFrames * 4) {
      this.log.info({ queued }, "input flood, closing");
      void this.close(
        CloseCode.policyViolation,
        `too many frames: over ${queued} waiting to be handled`,
      );
    } else if (queued >= this.#maxQueuedFrames && !this.#isPausedFor("queue")) {
      this.log.debug({ queued }, "input paused");
      this.stats.pauses++;
      this.#pause("queue");
    }
  }

  /** Hands one event to the port; a pending result holds the socket's reading (see `#onFrame`). */
  #deliver(event: object): void {
    let result: Promise<void> | void;
    try {
      result = (this.#port as InputPort)(event);
    } catch (error) {
      this.log.error({ err: error }, "input port failed");
      return;
    }
    if (result === undefined) return;
    this.#waiting++;
    const release = () => {
      this.#waiting--;
      this.#maybeResume();
    };
    result.then(release, (error: unknown) => {
      release();
      this.log.error({ err: error }, "input port failed");
    });
  }

  #maybeResume(): void {
    if (this.#waiting < this.#maxQueuedFrames / 2) this.#resume("queue");
  }

  /** Stops reading until the client is back under its input rate: the frame was read, nothing is dropped. */
  #pauseForRate(ms: number): void {
    if (this.#isPausedFor("rate")) return;
    this.stats.ratePauses++;
    this.log.debug({ ms }, "input over rate, paused");
    this.#pause("rate");
    this.#rateTimer = setTimeout(() => this.#resume("rate"), ms);
  }

  #isPausedFor(reason: PauseReason): boolean {
    return (this.#pausedFor & PAUSED_FOR[reason]) !== 0;
  }

  #pause(reason: PauseReason): void {
    this.#pausedFor |= PAUSED_FOR[reason];
    if (!this.#ws.isPaused) this.#ws.pause();
  }

  #resume(reason: PauseReason): void {
    if (!this.#isPausedFor(reason)) return;
    this.#pausedFor &= ~PAUSED_FOR[reason];
    if (this.#pausedFor === 0 && this.#ws.isPaused && this.#state === "open") this.#ws.resume();
  }

  #reject(problem: string): void {
    this.stats.rejected++;
    this.log.debug({ problem }, "bad input frame");
    this.sendError(problem, "PROTOCOL_ERROR");
  }

  #onClose(code: number, reason: string): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    clearTimeout(this.#closeTimer);
    clearTimeout(this.#rateTimer);
    this.#stopHeartbeat();
    this.#early = undefined;
    this.log.debug({ code, reason }, "websocket closed");
    this.#resolveEnded({ code, reason, by: "client" });
    this.#resolveClosed({ code, reason });
  }
}

/** The rate limiter's default clock, one function for every session. */
const performanceNow = (): number => performance.now();

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
