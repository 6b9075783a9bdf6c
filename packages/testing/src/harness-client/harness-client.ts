import { GenerationFence } from "@switchboard/protocol";
import { WebSocket, type RawData } from "ws";
import { isGenerationComplete, type ClientFrame, type ServerFrame } from "./server-frame.js";

/** Options of {@link HarnessClient}. */
export interface HarnessClientOptions {
  /** How long `reply()`, `waitFor()` and `waitForClose()` wait before rejecting. Default 10 s. */
  timeoutMs?: number;
}

/** How the connection closed. */
export interface ClientCloseInfo {
  code: number;
  reason: string;
}

/** One agent turn as `reply()` collected it. */
export interface Reply {
  /** The `message` frames' content, concatenated. */
  text: string;
  /** Each `message` frame's content, in order. */
  chunks: string[];
  /** Every frame of the turn, the closing one included. */
  frames: ServerFrame[];
  /** What ended the turn. */
  endedBy: "generation_complete" | "end_call" | "error";
  /** From the end of the user's turn (`say()`; connect for a greeting) to the first `message` frame. */
  ttfcMs: number | undefined;
  /** From the same start to the frame that ended the turn. */
  totalMs: number;
}

/** Timing of one turn, also kept in `client.timings`. */
export interface TurnTiming {
  /** What the user said (`undefined` for the greeting). */
  said: string | undefined;
  ttfcMs: number | undefined;
  totalMs: number;
}

type Waiter = {
  predicate: (frame: ServerFrame) => boolean;
  from: number;
  resolve: (index: number) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
};

/**
 * A WebSocket client of the agent wire protocol, for tests: speaks turns, collects replies,
 * keeps every frame it received and per-turn timings.
 * @example
 * const client = await HarnessClient.connect("ws://127.0.0.1:8000/ws");
 * const greeting = await client.reply();
 * await client.say("What's the weather?");
 * const answer = await client.reply();
 * console.log(answer.text, answer.ttfcMs);
 * await client.close();
 */
export class HarnessClient {
  /** Every frame received, in order. */
  readonly frames: ServerFrame[] = [];
  /** `performance.now()` when each frame of `frames` arrived. */
  readonly receivedAt: number[] = [];
  /** One entry per `reply()`. */
  readonly timings: TurnTiming[] = [];
  readonly #timeoutMs: number;
  #ws: WebSocket | undefined;
  #cursor = 0;
  #turnStart = 0;
  #said: string | undefined;
  #interrupted = false;
  #waiters = new Set<Waiter>();
  #closeInfo: ClientCloseInfo | undefined;
  #closed: Promise<ClientCloseInfo> | undefined;
  /** Generations the user interrupted: their late frames never count toward a reply. */
  readonly #fence = new GenerationFence();

  constructor(options: HarnessClientOptions = {}) {
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Connects a new client.
   * @example const client = await HarnessClient.connect(`${url.replace("http", "ws")}/ws`);
   */
  static async connect(url: string, options: HarnessClientOptions = {}): Promise<HarnessClient> {
    const client = new HarnessClient(options);
    await client.connect(url);
    return client;
  }

  /** The underlying `ws` socket (to pause reading, send raw bytes…). */
  get socket(): WebSocket {
    if (this.#ws === undefined) throw new Error("HarnessClient: not connected");
    return this.#ws;
  }

  /** Set once the connection has closed. */
  get closeInfo(): ClientCloseInfo | undefined {
    return this.#closeInfo;
  }

  /** Opens the connection; rejects if the server refuses the upgrade. */
  async connect(url: string): Promise<void> {
    if (this.#ws !== undefined) throw new Error("HarnessClient: already connected");
    const ws = new WebSocket(url);
    this.#ws = ws;
    this.#closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.#waiters) {
          waiter.reject(
            new Error(`connection closed (${code} ${reason.toString()}) ${this.#describeRecent()}`),
          );
        }
        resolve(this.#closeInfo);
      });
    });
    ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => {
        ws.off("error", reject);
        ws.on("error", () => undefined);
        resolve();
      });
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => {
        reject(new Error(`server refused the WebSocket: HTTP ${res.statusCode ?? "?"}`));
        res.resume();
      });
    });
    this.#turnStart = performance.now();
  }

  /**
   * Sends one frame (an object as JSON, a string or buffer as it is); resolves once it has been
   * handed to the OS.
   * @example await client.send({ type: "dtmf", button: "5" });
   */
  send(frame: ClientFrame | string | Buffer): Promise<void> {
    const data =
      typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    return new Promise((resolve, reject) =>
      this.socket.send(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * One user turn: `user_state speaking`, the transcription, `user_state idle`. The turn's clock
   * starts at the last frame. After `interrupt()`, the next `reply()` starts here: frames received
   * before cannot answer this turn.
   * @example await client.say("Book a table for two");
   */
  async say(text: string): Promise<void> {
    if (this.#interrupted) {
      this.#interrupted = false;
      this.#cursor = this.frames.length;
    }
    void this.send({ type: "user_state", value: "speaking" }).catch(() => undefined);
    void this.send({ type: "message", content: text }).catch(() => undefined);
    this.#said = text;
    this.#turnStart = performance.now();
    await this.send({ type: "user_state", value: "idle" });
  }

  /**
   * The user backchannels over the agent ("mm-hmm"): `user_state speaking`, the transcription,
   * `user_state idle`, without ending the turn being collected — with a barge-in policy the agent
   * goes on (`agent_paused`, then `agent_resumed`), and the next `reply()` still collects it.
   * @example await client.backchannel("mm-hmm");
   */
  async backchannel(text: string): Promise<void> {
    void this.send({ type: "user_state", value: "speaking" }).catch(() => undefined);
    void this.send({ type: "message", content: text }).catch(() => undefined);
    await this.send({ type: "user_state", value: "idle" });
  }

  /**
   * The user starts talking over the agent (`user_state speaking`). The next `reply()` skips the
   * interrupted turn: it starts at the next `say()`, and frames of the interrupted generation
   * that were already on the wire (same `generation_id`) are left out of it.
   */
  async interrupt(): Promise<void> {
    this.#fence.interrupt();
    this.#interrupted = true;
    this.#cursor = this.frames.length;
    await this.send({ type: "user_state", value: "speaking" });
  }

  /**
   * Collects the next turn: `message` frames until `log_event generation_complete` (or `end_call`,
   * or an `error` frame), starting after the previous reply — or at frame index `since`.
   * @example const { text, ttfcMs } = await client.reply();
   */
  async reply(options: { since?: number; timeoutMs?: number } = {}): Promise<Reply> {
    const start = Math.max(this.#cursor, options.since ?? 0);
    const end = await this.#waitIndex(
      (frame) =>
        !this.#isFenced(frame) &&
        (isGenerationComplete(frame) || frame.type === "end_call" || frame.type === "error"),
      start,
      options.timeoutMs,
    );
    this.#cursor = end + 1;
    const frames = this.frames.slice(start, end + 1).filter((frame) => !this.#isFenced(frame));
    const chunks: string[] = [];
    let firstChunkAt: number | undefined;
    for (let i = start; i <= end; i++) {
      const frame = this.frames[i];
      if (frame?.type !== "message" || this.#isFenced(frame)) continue;
      chunks.push(frame.content);
      firstChunkAt ??= this.receivedAt[i];
    }
    const last = this.frames[end];
    const endedBy =
      last?.type === "end_call" || last?.type === "error" ? last.type : "generation_complete";
    const ttfcMs =
      firstChunkAt === undefined ? undefined : Math.max(0, firstChunkAt - this.#turnStart);
    const totalMs = Math.max(0, (this.receivedAt[end] ?? 0) - this.#turnStart);
    this.timings.push({ said: this.#said, ttfcMs, totalMs });
    return { text: chunks.join(""), chunks, frames, endedBy, ttfcMs, totalMs };
  }

  /**
   * Resolves with the first frame (received from index `since`, default 0) that matches.
   * @example await client.waitFor((f) => f.type === "end_call");
   */
  async waitFor<F extends ServerFrame>(
    predicate: ((frame: ServerFrame) => frame is F) | ((frame: ServerFrame) => boolean),
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<F> {
    const index = await this.#waitIndex(predicate, options.since ?? 0, options.timeoutMs);
    return this.frames[index] as F;
  }

  /** Resolves when the server (or `close()`) has closed the connection. */
  async waitForClose(options: { timeoutMs?: number } = {}): Promise<ClientCloseInfo> {
    const closed = this.#closed;
    if (closed === undefined) throw new Error("HarnessClient: not connected");
    return withTimeout(
      closed,
      options.timeoutMs ?? this.#timeoutMs,
      () => `no close ${this.#describeRecent()}`,
    );
  }

  /**
   * Closes the connection (idempotent) and resolves once it is closed: within `timeoutMs`, default
   * the client's (a client made with a short one for `waitFor()` may give its close handshake longer).
   * @example await client.close(1000, "done", { timeoutMs: 10_000 });
   */
  async close(
    code = 1000,
    reason = "client done",
    options: { timeoutMs?: number } = {},
  ): Promise<ClientCloseInfo> {
    const ws = this.socket;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)
      ws.close(code, reason);
    return this.waitForClose(options);
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    const text = Buffer.isBuffer(data)
      ? data.toString("utf8")
      : Buffer.from(data as ArrayBuffer).toString("utf8");
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      frame = {
        type: "error",
        content: `client: the server sent a non-JSON ${isBinary ? "binary" : "text"} frame`,
      };
    }
    // Every frame is kept (tests assert on them); the fence only decides what counts toward a reply.
    this.#fence.admit(frame);
    const index = this.frames.push(frame) - 1;
    this.receivedAt.push(performance.now());
    for (const waiter of this.#waiters) {
      if (index >= waiter.from && waiter.predicate(frame)) waiter.resolve(index);
    }
  }

  #isFenced(frame: ServerFrame): boolean {
    return this.#fence.isFenced(frame);
  }

  #waitIndex(
    predicate: (frame: ServerFrame) => boolean,
    from: number,
    timeoutMs: number | undefined,
  ): Promise<number> {
    for (let i = from; i < this.frames.length; i++) {
      if (predicate(this.frames[i] as ServerFrame)) return Promise.resolve(i);
    }
    if (this.#closeInfo !== undefined) {
      return Promise.reject(
        new Error(`connection closed (${this.#closeInfo.code}) ${this.#describeRecent()}`),
      );
    }
    const ms = timeoutMs ?? this.#timeoutMs;
    return new Promise<number>((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        from,
        resolve: (index) => {
          this.#waiters.delete(waiter);
          clearTimeout(waiter.timer);
          resolve(index);
        },
        reject: (error) => {
          this.#waiters.delete(waiter);
          clearTimeout(waiter.timer);
          reject(error);
        },
        timer: setTimeout(
          () =>
            waiter.reject(new Error(`no matching frame within ${ms} ms ${this.#describeRecent()}`)),
          ms,
        ),
      };
      this.#waiters.add(waiter);
    });
  }

  #describeRecent(): string {
    const recent = this.frames.slice(-5).map((f) => JSON.stringify(f));
    return `(${this.frames.length} frames received; last: ${recent.join(", ") || "none"})`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${ms} ms: ${describe()}`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
