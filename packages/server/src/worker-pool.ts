import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Logger } from "@switchboard/core";

/** How many worker processes `app.run({ workers })` starts: a count, or `"auto"` (one per core). */
export type WorkerCount = number | "auto";

/** Options of {@link runWorkerPool}. */
export interface WorkerPoolOptions {
  readonly workers: WorkerCount;
  readonly log: Logger;
  /** First restart delay after a crash; doubles per crash in a row. Default 100 ms. */
  readonly restartDelayMs?: number;
  /** Longest restart delay. Default 10 s. */
  readonly maxRestartDelayMs?: number;
  /** A worker that lived this long resets the backoff. Default 10 s. */
  readonly stableAfterMs?: number;
}

/** What a worker tells the primary once it listens. */
export interface WorkerListening {
  readonly type: "switchboard:listening";
  readonly host: string;
  readonly port: number;
  readonly url: string;
}

function resolveWorkerCount(workers: WorkerCount): number {
  const count = workers === "auto" ? availableParallelism() : workers;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`workers must be a positive integer or "auto", got ${String(workers)}`);
  return count;
}

function isListening(message: unknown): message is WorkerListening {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { type?: unknown }).type === "switchboard:listening"
  );
}

/**
 * The primary of `app.run({ workers })`: forks the workers (each runs the user's script and
 * listens on the shared port), restarts a crashed one with backoff, and on SIGTERM/SIGINT passes
 * the signal on to every worker (so each drains) and exits 0 once all have exited. A second
 * signal kills the workers and exits at once. Resolves with the workers' address once all
 * `count` of them listen (a worker that crashed before listening counts by its replacement), so
 * a load balancer or test that starts right after `run()` reaches every worker.
 */
export function runWorkerPool(options: WorkerPoolOptions): Promise<WorkerListening> {
  const count = resolveWorkerCount(options.workers);
  const log = options.log.child({ role: "primary" });
  const initialDelay = options.restartDelayMs ?? 100;
  const maxDelay = options.maxRestartDelayMs ?? 10_000;
  const stableAfter = options.stableAfterMs ?? 10_000;
  const started = new Map<Worker, number>();
  let delay = initialDelay;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  return new Promise<WorkerListening>((resolve) => {
    let listening = 0;
    const fork = () => {
      const worker = cluster.fork();
      started.set(worker, Date.now());
      worker.on("message", (message: unknown) => {
        if (isListening(message) && ++listening === count) resolve(message);
      });
    };

    cluster.on("exit", (worker, code, signal) => {
      const bornAt = started.get(worker) ?? Date.now();
      started.delete(worker);
      if (stopping) {
        if (started.size === 0) {
          log.info({ workers: 0 }, "every worker exited");
          process.exit(0);
        }
        return;
      }
      log.warn({ pid: worker.process.pid, code, signal }, "worker exited; restarting");
      if (Date.now() - bornAt >= stableAfter) delay = initialDelay;
      restartTimer = setTimeout(fork, delay);
      delay = Math.min(delay * 2, maxDelay);
    });

    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        for (const worker of started.keys()) worker.process.kill("SIGKILL");
        process.exit(1);
      }
      stopping = true;
      clearTimeout(restartTimer);
      log.info({ signal, workers: started.size }, "draining workers");
      if (started.size === 0) process.exit(0);
      for (const worker of started.keys()) worker.process.kill(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);

    for (let i = 0; i < count; i++) fork();
    log.info({ workers: count }, "started workers");
  });
}

/** In a worker of a pool: tells the primary where it listens. */
export function announceListening(info: Omit<WorkerListening, "type">): void {
  if (cluster.isWorker && process.send !== undefined) {
    process.send({ type: "switchboard:listening", ...info } satisfies WorkerListening);
  }
}
