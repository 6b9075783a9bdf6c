import { setTimeout as sleep } from "node:timers/promises";
import { HarnessClient } from "@switchboard/testing";
import type { RawData } from "ws";
import {
  startBaselineServer,
  startFrameworkServer,
  type AgentHooks,
  type RunningServer,
  type Script,
} from "../lib/agents.js";
import { deferred, withTimeout, type Deferred } from "../lib/async.js";
import type { Metric, RunOptions, Workload, WorkloadResult } from "../lib/result.js";
import { distribution, ms } from "../lib/stats.js";
import { installWireTap, rawText } from "../lib/wire-tap.js";

/** Frames as the server's sockets saw them, in order. */
interface Logged {
  at: number;
  text: string;
}

/** Chunks are tagged with their turn, `g<turn>-<i> `, so frames can be traced to a generation. */
const chunk = (turn: number, i: number) => `g${turn}-${i} `;

/** Which kind of turn the server is playing; the client sets it before each turn. */
let mode: "ttfc" | "interrupt" = "ttfc";

const script: Script = async function* (turn, signal) {
  if (mode === "ttfc") {
    // A model that answers at once: the time to first chunk is the framework's alone.
    for (let i = 0; i < 5; i++) yield chunk(turn, i);
    return;
  }
  // Paced like an LLM stream, honouring the signal, until interrupted.
  for (let i = 0; i < 1000; i++) {
    yield chunk(turn, i);
    await sleep(2, undefined, { signal });
  }
};

const INTERRUPT_AFTER = 10;

interface Side {
  ttfc: number[];
  /** Client-observed: from sending `user_state idle` to receiving the first chunk (loopback and both ends). */
  clientTtfc: number[];
  interruptToLast: number[];
  stale: number;
  errors: number;
}

async function runSide(
  start: (script: Script, hooks: AgentHooks) => Promise<RunningServer>,
  turns: { ttfc: number; interrupt: number; warmup: number },
): Promise<Side> {
  const arrivals: Logged[] = [];
  const writes: Logged[] = [];
  const fences = new Map<number, number>();
  const interrupted = new Map<number, Deferred<void>>();
  const settled = (turn: number) => {
    let d = interrupted.get(turn);
    if (d === undefined) interrupted.set(turn, (d = deferred()));
    return d;
  };
  let errors = 0;
  const tap = installWireTap({
    onArrival: (at, data: RawData) => arrivals.push({ at, text: rawText(data) }),
    onWrite: (at, data) =>
      writes.push({ at, text: typeof data === "string" ? data : rawText(data as RawData) }),
  });
  const server = await start(script, {
    onFence: (turn) => {
      if (!fences.has(turn)) fences.set(turn, Number(process.hrtime.bigint()));
    },
    onInterrupted: (turn) => settled(turn).resolve(),
    onError: () => (errors += 1),
  });
  const client = await HarnessClient.connect(server.wsUrl, { timeoutMs: 5_000 });
  tap.ignored.add(client.socket);
  const side: Side = { ttfc: [], clientTtfc: [], interruptToLast: [], stale: 0, errors: 0 };
  let turn = 0;
  try {
    // Time to first chunk: say, collect the reply, read the server-side times of this turn.
    for (let i = 0; i < turns.warmup + turns.ttfc; i++) {
      mode = "ttfc";
      const fromArrival = arrivals.length;
      const fromWrite = writes.length;
      await client.say("hello");
      const reply = await client.reply();
      turn += 1;
      if (reply.chunks.length !== 5 || reply.chunks[0] !== chunk(turn, 0)) {
        errors += 1;
        continue;
      }
      if (i < turns.warmup) continue;
      const idle = arrivals.slice(fromArrival).find((a) => a.text.includes('"idle"'));
      const first = writes
        .slice(fromWrite)
        .find(
          (w) => idle !== undefined && w.at >= idle.at && w.text.startsWith('{"type":"message"'),
        );
      if (idle === undefined || first === undefined) {
        errors += 1;
        continue;
      }
      side.ttfc.push(first.at - idle.at);
      if (reply.ttfcMs !== undefined) side.clientTtfc.push(reply.ttfcMs * 1e6);
    }
    // Interrupt over the wire: the user cuts in after ~10 chunks.
    for (let i = 0; i < turns.warmup + turns.interrupt; i++) {
      mode = "interrupt";
      await client.say("tell me a story");
      turn += 1;
      const cancelled = turn;
      await client.waitFor(
        (f) => f.type === "message" && f.content === chunk(cancelled, INTERRUPT_AFTER - 1),
        {
          since: client.frames.length - 1,
        },
      );
      const fromArrival = arrivals.length;
      await client.interrupt();
      await withTimeout(settled(cancelled).promise, 5_000, `wire: interrupt of turn ${cancelled}`);
      // Let anything that would (wrongly) still be written of that turn reach the socket.
      await sleep(5);
      if (i < turns.warmup) continue;
      const speaking = arrivals.slice(fromArrival).find((a) => a.text.includes('"speaking"'));
      if (speaking === undefined) {
        errors += 1;
        continue;
      }
      const prefix = `{"type":"message","content":"g${cancelled}-`;
      let last = speaking.at;
      for (const w of writes) if (w.text.startsWith(prefix) && w.at > last) last = w.at;
      side.interruptToLast.push(last - speaking.at);
    }
    // Stale: a frame of a cancelled turn written after that turn's fence.
    for (const w of writes) {
      const match = /^\{"type":"message","content":"g(\d+)-/.exec(w.text);
      const fence = match === null ? undefined : fences.get(Number(match[1]));
      if (fence !== undefined && w.at > fence) side.stale += 1;
    }
    const errorFrames = client.frames.filter((f) => f.type === "error").length;
    side.errors = errors + errorFrames;
  } finally {
    await client.close();
    await server.close();
    tap.uninstall();
  }
  return side;
}

export const wire: Workload = {
  name: "wire",
  async run({ quick }: RunOptions): Promise<WorkloadResult> {
    const turns = quick
      ? { ttfc: 50, interrupt: 20, warmup: 10 }
      : { ttfc: 1000, interrupt: 300, warmup: 50 };
    const f = await runSide(startFrameworkServer, turns);
    const b = await runSide(startBaselineServer, turns);
    const fd = {
      ttfc: distribution(f.ttfc),
      client: distribution(f.clientTtfc),
      interrupt: distribution(f.interruptToLast),
    };
    const bd = {
      ttfc: distribution(b.ttfc),
      client: distribution(b.clientTtfc),
      interrupt: distribution(b.interruptToLast),
    };
    const metrics: Metric[] = [
      {
        name: "idle frame→first chunk written p50",
        unit: "ms",
        value: ms(fd.ttfc.p50),
        baseline: ms(bd.ttfc.p50),
        better: "lower",
        target: { op: "<=", value: 1 },
      },
      {
        name: "idle frame→first chunk written p99",
        unit: "ms",
        value: ms(fd.ttfc.p99),
        baseline: ms(bd.ttfc.p99),
        better: "lower",
      },
      {
        name: "client-observed first chunk p50",
        unit: "ms",
        value: ms(fd.client.p50),
        baseline: ms(bd.client.p50),
        better: "lower",
      },
      {
        name: "speaking frame→last cancelled frame p50",
        unit: "ms",
        value: ms(fd.interrupt.p50),
        baseline: ms(bd.interrupt.p50),
        better: "lower",
      },
      {
        name: "speaking frame→last cancelled frame p99",
        unit: "ms",
        value: ms(fd.interrupt.p99),
        baseline: ms(bd.interrupt.p99),
        better: "lower",
        target: { op: "<=", value: 2 },
      },
      {
        name: "speaking frame→last cancelled frame max",
        unit: "ms",
        value: ms(fd.interrupt.max),
        baseline: ms(bd.interrupt.max),
        better: "lower",
      },
    ];
    return {
      workload: "wire",
      description:
        "a real VoiceAgentApp (bridge.conversation) on 127.0.0.1 and a HarnessClient, vs a bare ws server",
      params: { ...turns, interruptAfterChunks: INTERRUPT_AFTER, pacingMs: 2 },
      metrics,
      invariants: [
        { name: "stale frames", value: f.stale },
        { name: "errors", value: f.errors },
      ],
      notes: [
        `baseline (bare ws server) stale frames: ${b.stale}`,
        "server-side times: from ws emitting the frame (before the harness parses it) to ws.send of the chunk",
        "a frame is stale if it belongs to a cancelled turn and is written after the interrupt was delivered on the bus (baseline: after abort())",
        "speaking→last cancelled frame is 0 when the cancelled turn's last frame went out before the interrupt frame arrived",
      ],
    };
  },
};
