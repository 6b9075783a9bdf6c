/**
 * The load generator of the call-mix workload, in its own process (forked by call-mix.ts). Each
 * call is a bare `ws` client: its user speaks for 2–4 s (`user_state speaking`, then the
 * transcription and `user_state idle`), then listens to the agent's answer until
 * `generation_complete`, and speaks again. Chunks carry the monotonic time the model yielded them,
 * so the client measures yield → received across processes. Loopback only; it ends when told to
 * stop, when the parent goes away, or after a hard deadline.
 */
import type { RawData, WebSocket } from "ws";
import {
  CallerTally,
  connectCallers,
  serveCallers,
  type CallerCommand,
  type CallerResult,
} from "../lib/callers.js";
import { now } from "../lib/stats.js";
import { rawText } from "../lib/wire-tap.js";

interface CallersStart {
  url: string;
  calls: number;
  seed: number;
}

export type ToCallers = CallerCommand<CallersStart>;

export type FromCallers = { event: "connected"; connected: number } | CallerResult;

const send = (message: FromCallers) => process.send?.(message);

const tally = new CallerTally();
const fail = (what: string) => tally.fail(what);

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
      if (tally.stopping) return finish();
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
        if (tally.measuring && at > 0) {
          tally.latencies.push(now() - Number.parseInt(text.slice(at + 1), 10));
          tally.chunks += 1;
        }
      } else if (text.includes('"generation_complete"')) {
        clearTimeout(watchdog);
        if (tally.measuring) tally.turns += 1;
        speak();
      } else if (text.startsWith('{"type":"error"')) {
        fail(text);
      }
    });
    ws.on("close", () => {
      if (!tally.stopping) fail("server closed the call");
      finish();
    });
    // Callers arrive spread over a whole cycle, as independent callers would.
    speakTimer = setTimeout(speak, next() * 4_000);
  });
}

async function start(message: CallersStart, stopped: Promise<void>): Promise<void> {
  const next = random(message.seed);
  const { sockets } = await connectCallers(message.url, message.calls, tally);
  const talking = sockets.map((ws) => call(ws, next));
  send({ event: "connected", connected: sockets.length });
  await stopped;
  tally.stop();
  for (const ws of sockets) ws.close(1000, "bench done");
  await Promise.all(talking);
  send({
    event: "result",
    ...tally.totals(),
  });
}

serveCallers<CallersStart>(tally, start);
