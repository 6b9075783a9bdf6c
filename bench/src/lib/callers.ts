/**
 * What the load-generator processes (sessions-clients, call-mix-clients) share: the tally of one
 * run (latencies, turns, chunks, errors), the measuring window and its CPU share, and how bare
 * `ws` callers connect — in batches of 50, each socket error counted, never thrown.
 */
import { WebSocket } from "ws";
import { cpuNow, distribution, now, type Distribution } from "./stats.js";

/** What a caller process reports at the end of a run. */
export interface CallerTotals {
  /** Model yield → frame received by the caller. */
  latency: Distribution;
  turns: number;
  chunks: number;
  errors: number;
  errorSamples: string[];
  /** The callers' own CPU use over the window, in percent of one core. */
  cpuPercent: number;
}

/** The counters of one caller process; `measure()` opens the window they count in. */
export class CallerTally {
  measuring = false;
  /** Set once the parent said stop: a socket closing now is no error. */
  stopping = false;
  /** Model yield → frame received by the caller (ns), inside the window. */
  readonly latencies: number[] = [];
  turns = 0;
  chunks = 0;
  errors = 0;
  readonly errorSamples: string[] = [];
  #cpuStart = 0;
  #wallStart = 0;
  #cpuPercent = Number.NaN;

  /** Counts an error; the first five are kept as samples for the report. */
  fail(what: string): void {
    this.errors += 1;
    if (this.errorSamples.length < 5) this.errorSamples.push(what);
  }

  /** Starts the measuring window: the counters restart from zero. */
  measure(): void {
    this.latencies.length = 0;
    this.turns = 0;
    this.chunks = 0;
    this.#cpuStart = cpuNow();
    this.#wallStart = now();
    this.measuring = true;
  }

  /** Ends the window (a socket closing from now on is no error); the totals are read after. */
  stop(): void {
    this.#endWindow();
    this.stopping = true;
  }

  /** Ends the window and returns its totals; the calls go on (`measure()` opens the next window). */
  report(): CallerTotals {
    this.#endWindow();
    return this.totals();
  }

  #endWindow(): void {
    if (this.measuring) {
      this.#cpuPercent = ((cpuNow() - this.#cpuStart) / (now() - this.#wallStart)) * 100;
    }
    this.measuring = false;
  }

  totals(): CallerTotals {
    return {
      latency: distribution(this.latencies),
      turns: this.turns,
      chunks: this.chunks,
      errors: this.errors,
      errorSamples: this.errorSamples,
      cpuPercent: this.#cpuPercent,
    };
  }
}

/** Opens one caller's socket; once open, its errors are counted by `tally`. */
function connect(url: string, tally: CallerTally): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", (error) => tally.fail(`socket: ${error.message}`));
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

/** Connects `count` callers, 50 at a time; a failed connect is counted, not thrown. */
export async function connectCallers(
  url: string,
  count: number,
  tally: CallerTally,
): Promise<{ sockets: WebSocket[]; failed: number }> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, count - i) }, () => connect(url, tally)),
    );
    for (const outcome of batch) {
      if (outcome.status === "fulfilled") sockets.push(outcome.value);
      else {
        failed += 1;
        tally.fail(`connect: ${String(outcome.reason)}`);
      }
    }
  }
  return { sockets, failed };
}

/** The parent's commands to a caller process. */
export type CallerCommand<Start> =
  | ({ cmd: "start"; deadlineMs: number } & Start)
  | { cmd: "measure" }
  | { cmd: "report" }
  | { cmd: "stop" };

/** What a caller process answers to `report` (and sends when it has stopped). */
export type CallerResult = { event: "result" } & CallerTotals;

/**
 * Wires a caller process to its parent: `start` runs the callers until the promise it is given
 * settles (the parent said stop), `measure` opens the tally's window, and `report` closes it and
 * answers with its totals while the calls go on (a later `measure` opens another). The process
 * exits when the parent goes away, after the start command's hard deadline, or (1) when `start`
 * throws.
 */
export function serveCallers<Start>(
  tally: CallerTally,
  start: (message: Start, stopped: Promise<void>) => Promise<void>,
  onMeasure: () => void = () => undefined,
): void {
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  process.on("message", (message: CallerCommand<Start>) => {
    switch (message.cmd) {
      case "start":
        setTimeout(() => process.exit(2), message.deadlineMs).unref();
        void start(message, stopped).catch((error: unknown) => {
          console.error(error);
          process.exit(1);
        });
        return;
      case "measure":
        onMeasure();
        tally.measure();
        return;
      case "report":
        process.send?.({ event: "result", ...tally.report() } satisfies CallerResult);
        return;
      case "stop":
        resolveStopped();
        return;
    }
  });
  process.on("disconnect", () => process.exit(0));
}
