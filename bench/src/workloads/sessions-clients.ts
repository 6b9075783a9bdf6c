/**
 * The load generator of the sessions workload, run in its own process (forked by sessions.ts) so
 * the server process's CPU and memory are its own. Each session is a bare `ws` client speaking
 * the harness protocol (the same three frames per turn as HarnessClient.say()); it reads frames
 * without JSON.parse so that, on a 2-core machine, the generator is as light as it can be and the
 * server sets the pace. Loopback only; it ends when told to stop, when the parent goes away, or
 * after a hard deadline.
 */
import { WebSocket, type RawData } from "ws";
import {
  CallerTally,
  connectCallers,
  serveCallers,
  type CallerCommand,
  type CallerTotals,
} from "../lib/callers.js";
import { distribution, now, type Distribution } from "../lib/stats.js";
import { rawText } from "../lib/wire-tap.js";

interface ClientsStart {
  url: string;
  sessions: number;
  chunksPerTurn: number;
  pacingMs: number;
}

export type ToClients = CallerCommand<ClientsStart>;

export type FromClients =
  | { event: "connected"; connected: number; failed: number }
  | ({
      event: "result";
      /** How much longer than the model's pacing each gap between two chunks of a turn was. */
      gapLateness: Distribution;
    } & CallerTotals);

const send = (message: FromClients) => process.send?.(message);

const tally = new CallerTally();
const fail = (what: string) => tally.fail(what);
/** How much longer than the model's pacing each gap between two chunks of a turn was (ns). */
const gapLateness: number[] = [];

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
        if (tally.measuring && at > 0) {
          tally.latencies.push(receivedAt - Number.parseInt(text.slice(at + 1), 10));
          if (expected > 1) gapLateness.push(Math.max(0, receivedAt - lastChunkAt - pacingNs));
          tally.chunks += 1;
        }
        lastChunkAt = receivedAt;
        arm();
      } else if (text.includes('"generation_complete"')) {
        if (expected !== chunksPerTurn) fail(`turn had ${expected} chunks`);
        else if (tally.measuring) tally.turns += 1;
        if (tally.stopping) finish();
        else say();
      } else if (text.startsWith('{"type":"error"')) {
        fail(text);
      }
    });
    ws.on("close", () => {
      if (!tally.stopping) fail("server closed the session");
      finish();
    });
    // Spread the sessions' turns over time, as independent callers would be.
    setTimeout(say, Math.random() * 500);
  });
}

async function start(
  { url, sessions, chunksPerTurn, pacingMs }: ClientsStart,
  stopped: Promise<void>,
): Promise<void> {
  const { sockets, failed } = await connectCallers(url, sessions, tally);
  const talking = sockets.map((ws) => session(ws, chunksPerTurn, pacingMs * 1e6));
  send({ event: "connected", connected: sockets.length, failed });
  await stopped;
  tally.stop();
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
    gapLateness: distribution(gapLateness),
    ...tally.totals(),
  });
}

serveCallers<ClientsStart>(tally, start, () => {
  gapLateness.length = 0;
});
