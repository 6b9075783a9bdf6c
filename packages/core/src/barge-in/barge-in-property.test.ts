import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentResponse, UserBackchannel, UserTranscriptionReceived } from "../events.js";
import {
  bargeInHarness,
  settle,
  StreamingNode,
  type Seen,
} from "../internal/test-barge-in-harness.js";

/** A small seeded PRNG (mulberry32): the same seed plays the same conversation. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRANSCRIPTS = {
  backchannel: ["mm-hmm", "yeah", "right", "ok", "uh-huh"],
  short: ["wait", "hold on", "sorry what"], // fewer than minWords = 3
  real: ["tell me about Paris please", "what is the weather like", "stop and start over now"],
} as const;
type Kind = keyof typeof TRANSCRIPTS;

const SEQUENCES = 1000;
const TICK_MS = 5;
const WINDOW_MS = 40;

type Step =
  | { do: "start" | "stop" }
  | { do: "say"; kind: Kind; content: string }
  | { do: "idle"; ms: number };

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** A random conversation: speaking and idle alternate, transcripts come while speaking or soon after. */
function sequence(rand: () => number): Step[] {
  const steps: Step[] = [];
  let speaking = false;
  const length = 8 + Math.floor(rand() * 24);
  for (let i = 0; i < length; i++) {
    const r = rand();
    if (r < 0.3) {
      steps.push({ do: speaking ? "stop" : "start" });
      speaking = !speaking;
    } else if (r < 0.6) {
      const kind = pick(rand, ["backchannel", "backchannel", "short", "real"] as const);
      steps.push({ do: "say", kind, content: pick(rand, TRANSCRIPTS[kind]) });
    } else {
      steps.push({ do: "idle", ms: 1 + Math.floor(rand() * 60) });
    }
  }
  if (speaking) steps.push({ do: "stop" });
  return steps;
}

async function advance(ms: number): Promise<void> {
  for (let i = 0; i < ms; i++) {
    vi.advanceTimersByTime(1);
    await settle();
  }
}

const script = (turn: number) => {
  const chunks = 2 + ((turn * 7) % 5);
  return Array.from({ length: chunks }, (_, i) => `t${turn}c${i} `);
};

interface Outcome {
  generations: Map<string, Seen[]>;
}

function byGeneration(seen: readonly Seen[]): Outcome {
  const generations = new Map<string, Seen[]>();
  for (const s of seen) {
    const id = s.generationId ?? "none";
    const list = generations.get(id) ?? [];
    list.push(s);
    generations.set(id, list);
  }
  return { generations };
}

/** How often each outcome happened, so the test proves it explored them. */
const coverage = { resumed: 0, cancelledWhileHeld: 0, completed: 0, backchannels: 0 };

async function play(seed: number): Promise<void> {
  const rand = random(seed);
  const steps = sequence(rand);
  const node = new StreamingNode(script, TICK_MS);
  const h = await bargeInHarness(node, {
    bargeIn: { minWords: 3, falseInterruptionMs: WINDOW_MS },
  });
  const said: { kind: Kind; content: string }[] = [];
  // The first turn: a question, then the user stops.
  await h.said("count for me please");
  said.push({ kind: "real", content: "count for me please" });
  await h.stopped();
  for (const step of steps) {
    switch (step.do) {
      case "start":
        await h.started();
        break;
      case "stop":
        await h.stopped();
        break;
      case "say":
        said.push({ kind: step.kind, content: step.content });
        await h.said(step.content);
        break;
      case "idle":
        await advance(step.ms);
        break;
    }
  }
  // Drain: past every confirmation window and to the end of every generation.
  for (
    let i = 0;
    i < 400 && !(node.finallyRan.length === node.turns && vi.getTimerCount() === 0);
    i++
  ) {
    await advance(TICK_MS);
  }
  const context = `seed ${seed}: ${JSON.stringify(steps)}`;

  // None stuck: every generation ended, no timer, nothing running or waiting.
  expect(node.finallyRan.length, context).toBe(node.turns);
  expect(vi.getTimerCount(), context).toBe(0);
  expect(h.bus.stats(), context).toMatchObject({ active: 0, tearingDown: 0, waiting: 0 });

  const { generations } = byGeneration(h.seen);
  expect(generations.size, context).toBe(node.turns);
  const delivered: string[] = [];
  const cancelledLast: string[] = [];
  let cancelled = 0;
  for (const events of generations.values()) {
    const chunks = events
      .filter((e) => e.kind === "chunk")
      .map((e) => (e as { content: string }).content);
    delivered.push(...chunks);
    const turn = Number(/^t(\d+)c/.exec(chunks[0] ?? "t-1c")?.[1] ?? -1);
    const complete = events.some((e) => e.kind === "complete");
    if (turn >= 0) {
      const full = script(turn);
      // 0 lost, 0 duplicated: an exact prefix of the script, the whole script when it completed.
      expect(chunks, context).toEqual(full.slice(0, chunks.length));
      if (complete) expect(chunks, context).toEqual(full);
    }
    if (!complete) {
      cancelled += 1;
      if (chunks.length > 0) cancelledLast.push(chunks.at(-1)!);
    }
    // Paused and resumed alternate; nothing goes out while held; a held generation ends resumed
    // or cancelled.
    let held = false;
    for (const e of events) {
      if (e.kind === "paused") {
        expect(held, context).toBe(false);
        held = true;
      } else if (e.kind === "resumed") {
        expect(held, context).toBe(true);
        held = false;
      } else {
        expect(held, `${context}: ${e.kind} went out while held`).toBe(false);
      }
    }
    if (held) expect(complete, context).toBe(false);
    if (held) coverage.cancelledWhileHeld += 1;
    if (complete) coverage.completed += 1;
    coverage.resumed += events.filter((e) => e.kind === "resumed").length;
  }
  // Chunks never duplicate across generations either.
  expect(new Set(delivered).size, context).toBe(delivered.length);

  // The history: exactly what was delivered, every transcript once, backchannels aside.
  const history = node.conversationEvents;
  const agentText = history
    .filter((e): e is AgentResponse => e instanceof AgentResponse)
    .map((e) => e.content)
    .join("");
  expect(agentText, context).toBe(delivered.join(""));
  const interrupted = history.filter((e) => e instanceof AgentResponse && e.interrupted === true);
  if (cancelled === 0) expect(interrupted, context).toEqual([]);
  for (const last of cancelledLast) {
    expect(
      history.some(
        (e) => e instanceof AgentResponse && e.interrupted === true && e.content.includes(last),
      ),
      `${context}: the turn ending ${last} is marked interrupted`,
    ).toBe(true);
  }
  const userWords = history
    .filter(
      (e): e is UserTranscriptionReceived | UserBackchannel =>
        e instanceof UserTranscriptionReceived || e instanceof UserBackchannel,
    )
    .flatMap((e) => e.content.split(" "));
  expect(userWords, context).toEqual(said.flatMap((s) => s.content.split(" ")));
  const backchannels = history
    .filter((e): e is UserBackchannel => e instanceof UserBackchannel)
    .map((e) => e.content);
  coverage.backchannels += backchannels.length;
  for (const { kind, content } of said) {
    if (kind === "real") expect(backchannels, context).not.toContain(content);
  }
  await h.bus.cleanup();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("barge-in (property)", () => {
  it(
    `keeps every chunk exactly once over ${SEQUENCES} random conversations`,
    { timeout: 120_000 },
    async () => {
      for (let seed = 1; seed <= SEQUENCES; seed++) await play(seed);
      // Every outcome was reached many times over.
      expect(coverage.resumed).toBeGreaterThan(100);
      expect(coverage.cancelledWhileHeld).toBeGreaterThan(100);
      expect(coverage.completed).toBeGreaterThan(100);
      expect(coverage.backchannels).toBeGreaterThan(100);
    },
  );
});
