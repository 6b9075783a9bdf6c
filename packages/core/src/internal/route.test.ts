import { describe, expect, it } from "vitest";
import { Bus } from "../bus.js";
import { UserStartedSpeaking, UserTranscriptionReceived } from "../events.js";
import { Message } from "../message.js";
import { compileSelector } from "./event-selector.js";
import type { Generation } from "./generation.js";
import { Outbox } from "./outbox.js";
import {
  CONCURRENCY,
  EMPTY_ROUTE_CONFIG,
  Route,
  type ConcurrencyMode,
  type ControlRule,
} from "./route.js";
import { streamStep } from "./steps.js";
import { deferred, type Deferred } from "./test-deferred.js";
import { SpyLogger } from "./test-spy-logger.js";

const say = (content: string) =>
  new Message({ source: "user", event: new UserTranscriptionReceived({ content }) });
const interrupt = new Message({ source: "user", event: new UserStartedSpeaking() });

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * A bare Route (no bridge) in `mode`. The generation for trigger "x" logs "start x", waits for
 * gate "x" (or its abort), then logs "end x" from its `finally` — after `teardownTurns` more turns
 * of the event loop when it was cancelled, like a node that flushes something on the way out.
 */
function setup(mode: ConcurrencyMode, options: { teardownTurns?: number } = {}) {
  const bus = new Bus({ logger: new SpyLogger() });
  const outbox = new Outbox("agent");
  outbox.attach(bus, "agent", bus.log);
  const route = new Route("route-0", outbox, compileSelector(UserTranscriptionReceived), {});
  const log: string[] = [];
  const gates = new Map<string, Deferred<void>>();
  const gate = (id: string) => gates.get(id) ?? gates.set(id, deferred()).get(id)!;
  const step = streamStep(async function* (value, ctx: Generation) {
    const id = (value as Message<UserTranscriptionReceived>).event.content;
    log.push(`start ${id}`);
    try {
      await new Promise<void>((resolve, reject) => {
        void gate(id).promise.then(resolve);
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error));
      });
      yield id;
    } finally {
      for (let turn = 0; turn < (options.teardownTurns ?? 0); turn++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      log.push(`end ${id}`);
    }
  });
  const rule: ControlRule = {
    kind: "interrupt",
    selector: UserStartedSpeaking,
    matcher: compileSelector(UserStartedSpeaking),
    filter: undefined,
    handler: () => void log.push("handler"),
  };
  route.configure(EMPTY_ROUTE_CONFIG, {
    steps: [step],
    controls: [rule],
    concurrency: mode,
  });
  let seq = 0;
  return {
    route,
    log,
    gate,
    trigger: (id: string) => route.trigger(say(id), ++seq),
    interrupt: () => route.control(interrupt, ++seq),
    starts: () => log.filter((line) => line.startsWith("start")),
  };
}

describe("Route", () => {
  describe("CONCURRENCY table", () => {
    it("makes concat merge with one slot", () => {
      expect({ ...CONCURRENCY.concat, slots: CONCURRENCY.merge.slots }).toEqual(CONCURRENCY.merge);
      expect(CONCURRENCY.concat.slots).toBe(1);
    });

    it.each<[ConcurrencyMode, string[], number]>([
      ["merge", ["start a", "start b", "start c"], 0],
      ["concat", ["start a"], 2],
      ["switch", ["start a"], 1],
      ["exhaust", ["start a"], 0],
    ])("%s: triggers b and c while a runs → %o started, %i held", async (mode, started, held) => {
      const h = setup(mode);
      h.trigger("a");
      h.trigger("b");
      h.trigger("c");
      expect(h.starts()).toEqual(started);
      expect(h.route.stats.waiting).toBe(held);
      await h.route.stop();
    });

    it.each<[ConcurrencyMode, string[]]>([
      ["merge", ["start a", "start b", "start c"]],
      ["concat", ["start a", "start b", "start c"]],
      ["switch", ["start a", "start c"]],
      ["exhaust", ["start a"]],
    ])("%s: runs %o in the end when every gate opens", async (mode, started) => {
      const h = setup(mode);
      h.trigger("a");
      h.trigger("b");
      h.trigger("c");
      for (const id of ["a", "b", "c"]) h.gate(id).resolve();
      await waitFor(() => h.log.filter((l) => l.startsWith("end")).length === started.length);
      expect(h.starts()).toEqual(started);
      expect(h.route.stats).toEqual({ active: 0, tearingDown: 0, waiting: 0 });
    });

    it.each<[ConcurrencyMode, string[]]>([
      ["merge", ["start b", "start c"]],
      ["concat", ["start b"]],
      ["switch", ["start c"]],
      ["exhaust", ["start b"]],
    ])(
      "%s: holds triggers while an interrupt tears down, then releases %o",
      async (mode, released) => {
        const h = setup(mode, { teardownTurns: 3 });
        h.trigger("a");
        h.interrupt();
        h.trigger("b");
        h.trigger("c");
        expect(h.starts()).toEqual(["start a"]);
        await waitFor(() => h.starts().length === 1 + released.length);
        // Held triggers start after the cancelled generation's finally and the handler.
        expect(h.log.slice(0, 3)).toEqual(["start a", "end a", "handler"]);
        expect(h.starts().slice(1)).toEqual(released);
        await h.route.stop();
      },
    );
  });

  describe('concurrency "switch"', () => {
    it("starts the new generation only after the cancelled one's finally ran", async () => {
      const h = setup("switch", { teardownTurns: 5 });
      h.trigger("a");
      h.trigger("b");
      expect(h.route.stats).toEqual({ active: 0, tearingDown: 1, waiting: 1 });
      await waitFor(() => h.starts().length === 2);
      expect(h.log).toEqual(["start a", "end a", "start b"]);
      await h.route.stop();
    });

    it("never runs the interrupt handler for a switch", async () => {
      const h = setup("switch");
      h.trigger("a");
      h.trigger("b");
      await waitFor(() => h.starts().length === 2);
      expect(h.log).not.toContain("handler");
      await h.route.stop();
    });
  });

  describe("#configure", () => {
    it("replaces only the configuration it was given", () => {
      const h = setup("merge");
      const current = h.route.config;
      const next = { ...current, concurrency: "switch" as const };
      expect(h.route.configure(EMPTY_ROUTE_CONFIG, next)).toBe(false);
      expect(h.route.config).toBe(current);
      expect(h.route.configure(current, next)).toBe(true);
      expect(h.route.config).toBe(next);
    });
  });
});
