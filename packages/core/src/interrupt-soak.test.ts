import { getEventListeners } from "node:events";
import { Observable, type MonoTypeOperatorFunction } from "rxjs";
import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import { AgentResponse, UserStartedSpeaking, UserStoppedSpeaking } from "./events.js";
import { deferred, type Deferred } from "./internal/test-deferred.js";
import { Message } from "./message.js";

const CYCLES = 200;

/** Passes values through and counts live subscriptions. */
function counted<T>(live: { count: number; max: number }): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      live.count++;
      live.max = Math.max(live.max, live.count);
      const subscription = source.subscribe(subscriber);
      return () => {
        live.count--;
        subscription.unsubscribe();
      };
    });
}

describe("interrupt soak", () => {
  it(`${CYCLES} rapid interrupt cycles leave no execution, stale chunk, listener or subscription behind`, async () => {
    const bus = new Bus();
    const agent = new Bridge("agent");
    const live = { count: 0, max: 0 };
    const signals: AbortSignal[] = [];
    const listenersAtFirstChunk: number[] = [];
    let firstChunk: Deferred<void> = deferred();
    let handled: Deferred<void> = deferred();
    let handlers = 0;
    let closedPolite = 0;
    let closedRude = 0;
    let startedRude = 0;

    // Honours its signal: parks on a signal-aware await after two chunks.
    agent
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, () => {
        handlers++;
        handled.resolve();
      })
      .stream(async function* (_m, ctx) {
        signals.push(ctx.signal);
        try {
          yield "polite-1";
          yield "polite-2";
          await new Promise((_resolve, reject) => {
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error), {
              once: true,
            });
          });
          yield "polite-never";
        } finally {
          closedPolite++;
        }
      })
      .pipe(counted(live))
      .map(async (chunk) => chunk)
      .broadcast();

    // Ignores its signal: keeps yielding until closed at a yield.
    agent
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking)
      .stream(async function* () {
        startedRude++;
        try {
          for (let i = 0; ; i++) {
            await new Promise((resolve) => setImmediate(resolve));
            yield `rude-${i}`;
          }
        } finally {
          closedRude++;
        }
      })
      .broadcast();

    const cancelledGenerations = new Set<string>();
    let stale = 0;
    let delivered = 0;
    const user = new Bridge("user");
    user.on(AgentResponse).map((m) => {
      delivered++;
      if (m.generationId !== undefined && cancelledGenerations.has(m.generationId)) stale++;
      if (m.event.content === "polite-1") {
        listenersAtFirstChunk.push(getEventListeners(signals.at(-1)!, "abort").length);
        firstChunk.resolve();
      }
    });
    // Generation ids are learnt from what the agent broadcasts; at interrupt time every one seen so far is cancelled.
    const seenGenerations = new Set<string>();
    bus.messages$.subscribe((m) => {
      if (m.source === "agent" && m.generationId !== undefined) seenGenerations.add(m.generationId);
    });

    bus.registerBridge("agent", agent).registerBridge("user", user);
    await bus.start();

    for (let cycle = 0; cycle < CYCLES; cycle++) {
      firstChunk = deferred();
      handled = deferred();
      await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
      await firstChunk.promise;
      for (const id of seenGenerations) cancelledGenerations.add(id);
      await bus.broadcast(new Message({ source: "user", event: new UserStartedSpeaking() }));
      await handled.promise;
    }
    // The rude route has no handler to await; wait until its last generator has closed. (A trigger
    // held behind its previous teardown is cancelled by the next interrupt, so fewer than CYCLES start.)
    while (closedRude < startedRude || bus.stats().tearingDown > 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }

    expect(handlers).toBe(CYCLES);
    expect(closedPolite).toBe(CYCLES);
    expect(startedRude).toBeGreaterThan(0);
    expect(closedRude).toBe(startedRude);
    expect(stale).toBe(0);
    expect(delivered).toBeGreaterThanOrEqual(CYCLES);
    expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0, waiting: 0, queued: 0 });
    expect(live.count).toBe(0);
    expect(live.max).toBeLessThanOrEqual(1);
    expect(signals).toHaveLength(CYCLES);
    expect(signals.every((s) => s.aborted)).toBe(true);
    // The engine adds no abort listener of its own (the generator adds its one later), and none is left.
    expect(new Set(listenersAtFirstChunk)).toEqual(new Set([0]));
    expect(signals.every((s) => getEventListeners(s, "abort").length === 0)).toBe(true);
    await bus.cleanup();
  });
});
