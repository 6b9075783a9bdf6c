/**
 * The load generator of the sessions workload, run in its own process (forked by sessions.ts) so
 * the server process's CPU and memory are its own. Each session is a bare `ws` client speaking
 * the harness protocol (the same three frames per turn as HarnessClient.say()); it reads frames
 * without JSON.parse so that, on a 2-core machine, the generator is as light as it can be and the
 * server sets the pace. Loopback only; it ends when told to stop, when the parent goes away, or
 * after a hard deadline.
 */
import { WebSocket, type RawData } from "ws";
import { cpuNow, distribution, now, type Distribution } from "../lib/stats.js";
import { rawText } from "../lib/wire-tap.js";

export type ToClients =
  | {
      cmd: "start";
      url: string;
      sessions: number;
      chunksPerTurn: number;
      pacingMs: number;
      deadlineMs: number;
    }
  | { cmd: "measure" }
  | { cmd: "stop" };

export type FromClients =
  | { event: "connected"; connected: number; failed: number }
  | {
      event: "result";
      latency: Distribution;
      /** How much longer than the model's pacing each gap between two chunks of a turn was. */
      gapLateness: Distribution;
      turns: number;
      chunks: number;
      errors: number;
      errorSamples: string[];
      cpuPercent: number;
    };

const send = (message: FromClients) => process.send?.(message);

let measuring = false;
let stopping = false;
const latencies: number[] = [];
const gapLateness: number[] = [];
let turns = 0;
let chunks = 0;
let errors = 0;
const errorSamples: string[] = [];
let cpuStart = 0;
let wallStart = 0;

function fail(what: string): void {
  errors += 1;
  if (errorSamples.length < 5) errorSamples.push(what);
}

const SPEAKING = JSON.stringify({ type: "user_state", value: "speaking" });
const SAY = JSON.stringify({ type: "message", content: "hello" });
const IDLE = JSON.stringify({ type: "user_state", value: "idle" });

/** One caller talking turn after turn; resolves when stopped (after its current turn) or failed. */
function session(ws: WebSocket, chunksPerTurn: number, pacingNs: number): Promise<void> {
  return new Promise((resolve) => {
    let expected = 0;
    let lastChunkAt = 0;
    let watchdog: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(watchdog);
      resolve();
    };
    const arm = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => {
        fail("no frame for 15 s");
        finish();
      }, 15_000);
    };
    const say = () => {
      expected = 0;
      ws.send(SPEAKING);
      ws.send(SAY);
      ws.send(IDLE);
      arm();
    };
    ws.on("message", (data: RawData) => {
      const text = rawText(data);
      if (text.startsWith('{"type":"message"')) {
        // Chunks are `c<i>@<hrtime ns> `; hrtime is CLOCK_MONOTONIC, shared by both processes.
        const at = text.indexOf("@");
        if (!text.startsWith(`c${expected}@`, 29))
          fail(`chunk ${expected} missing or out of order: ${text}`);
        expected += 1;
        const receivedAt = now();
        if (measuring && at > 0) {
          latencies.push(receivedAt - Number.parseInt(text.slice(at + 1), 10));
          if (expected > 1) gapLateness.push(Math.max(0, receivedAt - lastChunkAt - pacingNs));
          chunks += 1;
        }
        lastChunkAt = receivedAt;
        arm();
      } else if (text.includes('"generation_complete"')) {
        if (expected !== chunksPerTurn) fail(`turn had ${expected} chunks`);
        else if (measuring) turns += 1;
        if (stopping) finish();
        else say();
      } else if (text.startsWith('{"type":"error"')) {
        fail(text);
      }
    });
    ws.on("close", () => {
      if (!stopping) fail("server closed the session");
      finish();
    });
    // Spread the sessions' turns over time, as independent callers would be.
    setTimeout(say, Math.random() * 500);
  });
}

function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => {
      ws.off("error", reject);
      ws.on("error", (error) => fail(`socket: ${error.message}`));
      resolve(ws);
    });
    ws.once("error", reject);
  });
}

let resolveStopped!: () => void;
const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

async function start(
  url: string,
  sessions: number,
  chunksPerTurn: number,
  pacingMs: number,
  deadlineMs: number,
): Promise<void> {
  setTimeout(() => process.exit(2), deadlineMs).unref();
  const sockets: WebSocket[] = [];
  let failed = 0;
  for (let i = 0; i < sessions; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, sessions - i) }, () => connect(url)),
    );
    for (const outcome of batch) {
      if (outcome.status === "fulfilled") sockets.push(outcome.value);
      else {
        failed += 1;
        fail(`connect: ${String(outcome.reason)}`);
      }
    }
  }
  const talking = sockets.map((ws) => session(ws, chunksPerTurn, pacingMs * 1e6));
  send({ event: "connected", connected: sockets.length, failed });
  await stopped;
  const cpuPercent = ((cpuNow() - cpuStart) / (now() - wallStart)) * 100;
  measuring = false;
  stopping = true;
  await Promise.all(talking);
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) resolve();
          else {
            ws.once("close", () => resolve());
            ws.close(1000, "bench done");
          }
        }),
    ),
  );
  send({
    event: "result",
    latency: distribution(latencies),
    gapLateness: distribution(gapLateness),
    turns,
    chunks,
    errors,
    errorSamples,
    cpuPercent,
  });
}

process.on("message", (message: ToClients) => {
  switch (message.cmd) {
    case "start":
      void start(
        message.url,
        message.sessions,
        message.chunksPerTurn,
        message.pacingMs,
        message.deadlineMs,
      ).catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
      return;
    case "measure":
      latencies.length = 0;
      gapLateness.length = 0;
      turns = 0;
      chunks = 0;
      cpuStart = cpuNow();
      wallStart = now();
      measuring = true;
      return;
    case "stop":
      resolveStopped();
      return;
  }
});
process.on("disconnect", () => process.exit(0));
