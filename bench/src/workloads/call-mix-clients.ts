/**
 * The load generator of the call-mix workload, in its own process (forked by call-mix.ts). Each
 * call is a bare `ws` client: its user speaks for 2–4 s (`user_state speaking`, then the
 * transcription and `user_state idle`), then listens to the agent's answer until
 * `generation_complete`, and speaks again. Chunks carry the monotonic time the model yielded them,
 * so the client measures yield → received across processes. Loopback only; it ends when told to
 * stop, when the parent goes away, or after a hard deadline.
 */
import { WebSocket, type RawData } from "ws";
import { cpuNow, distribution, now, type Distribution } from "../lib/stats.js";
import { rawText } from "../lib/wire-tap.js";

export type ToCallers =
  | { cmd: "start"; url: string; calls: number; deadlineMs: number; seed: number }
  | { cmd: "measure" }
  | { cmd: "stop" };

export type FromCallers =
  | { event: "connected"; connected: number }
  | {
      event: "result";
      /** Model yield → frame received by the caller. */
      latency: Distribution;
      turns: number;
      chunks: number;
      errors: number;
      errorSamples: string[];
      cpuPercent: number;
    };

const send = (message: FromCallers) => process.send?.(message);

let measuring = false;
let stopping = false;
const latencies: number[] = [];
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

/** A small deterministic generator (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPEAKING = JSON.stringify({ type: "user_state", value: "speaking" });
const SAY = JSON.stringify({ type: "message", content: "hello there" });
const IDLE = JSON.stringify({ type: "user_state", value: "idle" });

function call(ws: WebSocket, next: () => number): Promise<void> {
  return new Promise((resolve) => {
    let speakTimer: NodeJS.Timeout | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(speakTimer);
      clearTimeout(watchdog);
      resolve();
    };
    const speak = () => {
      if (stopping) return finish();
      ws.send(SPEAKING);
      speakTimer = setTimeout(
        () => {
          ws.send(SAY);
          ws.send(IDLE);
          watchdog = setTimeout(() => {
            fail("no answer for 15 s");
            finish();
          }, 15_000);
        },
        2_000 + next() * 2_000,
      );
    };
    ws.on("message", (data: RawData) => {
      const text = rawText(data);
      if (text.startsWith('{"type":"message"')) {
        const at = text.indexOf("@");
        if (measuring && at > 0) {
          latencies.push(now() - Number.parseInt(text.slice(at + 1), 10));
          chunks += 1;
        }
      } else if (text.includes('"generation_complete"')) {
        clearTimeout(watchdog);
        if (measuring) turns += 1;
        speak();
      } else if (text.startsWith('{"type":"error"')) {
        fail(text);
      }
    });
    ws.on("close", () => {
      if (!stopping) fail("server closed the call");
      finish();
    });
    // Callers arrive spread over a whole cycle, as independent callers would.
    speakTimer = setTimeout(speak, next() * 4_000);
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

async function start(message: Extract<ToCallers, { cmd: "start" }>): Promise<void> {
  setTimeout(() => process.exit(2), message.deadlineMs).unref();
  const next = random(message.seed);
  const sockets: WebSocket[] = [];
  for (let i = 0; i < message.calls; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, message.calls - i) }, () => connect(message.url)),
    );
    for (const outcome of batch) {
      if (outcome.status === "fulfilled") sockets.push(outcome.value);
      else fail(`connect: ${String(outcome.reason)}`);
    }
  }
  const talking = sockets.map((ws) => call(ws, next));
  send({ event: "connected", connected: sockets.length });
  await stopped;
  const cpuPercent = ((cpuNow() - cpuStart) / (now() - wallStart)) * 100;
  measuring = false;
  stopping = true;
  for (const ws of sockets) ws.close(1000, "bench done");
  await Promise.all(talking);
  send({
    event: "result",
    latency: distribution(latencies),
    turns,
    chunks,
    errors,
    errorSamples,
    cpuPercent,
  });
}

process.on("message", (message: ToCallers) => {
  switch (message.cmd) {
    case "start":
      void start(message).catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
      return;
    case "measure":
      latencies.length = 0;
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
