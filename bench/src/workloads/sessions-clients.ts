/**
 * The load generator of the sessions workload, run in its own process (forked by sessions.ts) so
 * the server process's CPU and memory are its own. Loopback only; it ends when told to stop, when
 * the parent goes away, or after a hard deadline.
 */
import { HarnessClient } from "@switchboard/testing";
import type { RawData } from "ws";
import { distribution, now, type Distribution } from "../lib/stats.js";
import { rawText } from "../lib/wire-tap.js";

export type ToClients =
  | { cmd: "start"; url: string; sessions: number; chunksPerTurn: number; deadlineMs: number }
  | { cmd: "measure" }
  | { cmd: "stop" };

export type FromClients =
  | { event: "connected"; connected: number; failed: number }
  | {
      event: "result";
      latency: Distribution;
      turns: number;
      chunks: number;
      errors: number;
      errorSamples: string[];
    };

const send = (message: FromClients) => process.send?.(message);

let measuring = false;
let stopping = false;
const latencies: number[] = [];
let turns = 0;
let chunks = 0;
let errors = 0;
const errorSamples: string[] = [];

function fail(what: string): void {
  errors += 1;
  if (errorSamples.length < 5) errorSamples.push(what);
}

/** Yield time is embedded in each chunk as `c<i>@<hrtime ns> `; hrtime is CLOCK_MONOTONIC, shared by both processes. */
function onFrame(data: RawData): void {
  if (!measuring) return;
  const text = rawText(data);
  const at = text.indexOf("@");
  if (at < 0) return;
  latencies.push(now() - Number.parseInt(text.slice(at + 1), 10));
  chunks += 1;
}

async function talk(client: HarnessClient, chunksPerTurn: number): Promise<void> {
  // Spread the sessions' turns over time, as independent callers would be.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 500));
  while (!stopping) {
    try {
      await client.say("hello");
      const reply = await client.reply({ timeoutMs: 15_000 });
      if (reply.endedBy !== "generation_complete") fail(`turn ended by ${reply.endedBy}`);
      else if (
        reply.chunks.length !== chunksPerTurn ||
        !reply.chunks.every((c, i) => c.startsWith(`c${i}@`))
      ) {
        fail(`turn had ${reply.chunks.length} chunks, out of order or missing`);
      } else if (measuring) turns += 1;
    } catch (error) {
      if (!stopping) fail(error instanceof Error ? error.message : String(error));
      return;
    }
  }
}

async function start(
  url: string,
  sessions: number,
  chunksPerTurn: number,
  deadlineMs: number,
): Promise<void> {
  setTimeout(() => process.exit(2), deadlineMs).unref();
  const clients: HarnessClient[] = [];
  let failed = 0;
  for (let i = 0; i < sessions; i += 50) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(50, sessions - i) }, () =>
        HarnessClient.connect(url, { timeoutMs: 15_000 }),
      ),
    );
    for (const outcome of batch) {
      if (outcome.status === "fulfilled") clients.push(outcome.value);
      else {
        failed += 1;
        fail(`connect: ${String(outcome.reason)}`);
      }
    }
  }
  for (const client of clients) client.socket.prependListener("message", onFrame);
  const talking = clients.map((client) => talk(client, chunksPerTurn));
  send({ event: "connected", connected: clients.length, failed });
  await stopped;
  measuring = false;
  stopping = true;
  await Promise.allSettled(talking);
  await Promise.allSettled(clients.map((client) => client.close()));
  send({ event: "result", latency: distribution(latencies), turns, chunks, errors, errorSamples });
}

let resolveStopped!: () => void;
const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));

process.on("message", (message: ToClients) => {
  switch (message.cmd) {
    case "start":
      void start(message.url, message.sessions, message.chunksPerTurn, message.deadlineMs).catch(
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
      return;
    case "measure":
      latencies.length = 0;
      turns = 0;
      chunks = 0;
      measuring = true;
      return;
    case "stop":
      resolveStopped();
      return;
  }
});
process.on("disconnect", () => process.exit(0));
