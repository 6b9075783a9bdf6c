import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import { AgentResponse, UserStoppedSpeaking, UserTranscriptionReceived } from "./events.js";
import { deferred, type Deferred } from "./internal/test-deferred.js";
import type { ConcurrencyMode } from "./route-builder.js";
import { Message } from "./message.js";

const trigger = (content: string) =>
  new Message({ source: "user", event: new UserTranscriptionReceived({ content }) });
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A route in `mode` whose execution for trigger "x" yields "x:start", waits for gates["x"],
 * then yields "x:end". Records starts, aborts and closes.
 */
async function harness(mode: ConcurrencyMode) {
  const gates: Record<string, Deferred<void>> = {};
  const startedRun: Record<string, Deferred<void>> = {};
  const gate = (id: string) => (gates[id] ??= deferred());
  const runStarted = (id: string) => (startedRun[id] ??= deferred());
  const log: string[] = [];
  const bus = new Bus();
  const agent = new Bridge("agent");
  agent
    .on(UserTranscriptionReceived)
    .concurrency(mode)
    .stream(async function* (m, ctx) {
      const id = m.event.content;
      log.push(`start ${id}`);
      ctx.signal.addEventListener("abort", () => log.push(`abort ${id}`));
      runStarted(id).resolve();
      try {
        yield `${id}:start`;
        await gate(id).promise;
        yield `${id}:end`;
      } finally {
        log.push(`close ${id}`);
      }
    })
    .broadcast();
  const out: string[] = [];
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => out.push(m.event.content));
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  const waitClosed = async (id: string) => {
    while (!log.includes(`close ${id}`)) await settle();
  };
  return { bus, log, out, gate, runStarted, waitClosed };
}

describe("RouteBuilder#concurrency", () => {
  it('"merge" (default) runs a new trigger alongside the running one', async () => {
    const h = await harness("merge");
    await h.bus.broadcast(trigger("a"));
    await h.bus.broadcast(trigger("b"));
    await h.runStarted("a").promise;
    await h.runStarted("b").promise;
    expect(h.bus.stats().active).toBe(2);
    h.gate("b").resolve();
    await h.waitClosed("b");
    h.gate("a").resolve();
    await h.waitClosed("a");
    await settle();
    expect(h.out).toEqual(["a:start", "b:start", "b:end", "a:end"]);
    expect(h.log.filter((l) => l.startsWith("abort"))).toEqual([]);
    await h.bus.cleanup();
  });

  it("merge is the default", async () => {
    const bridge = new Bridge("x");
    const bus = new Bus();
    const gate = deferred();
    bridge.on(UserStoppedSpeaking).map(() => gate.promise);
    bus.registerBridge("x", bridge);
    await bus.start();
    await bus.broadcast(new Message({ source: "u", event: new UserStoppedSpeaking() }));
    await bus.broadcast(new Message({ source: "u", event: new UserStoppedSpeaking() }));
    expect(bus.stats().active).toBe(2);
    gate.resolve();
    await bus.cleanup();
  });

  it('"switch" cancels the running execution and starts the new one', async () => {
    const h = await harness("switch");
    await h.bus.broadcast(trigger("a"));
    await h.runStarted("a").promise;
    await h.bus.broadcast(trigger("b"));
    expect(h.log).toContain("abort a");
    await h.runStarted("b").promise;
    h.gate("a").resolve(); // "a" ignores its signal: its late chunk must still be dropped
    await h.waitClosed("a");
    h.gate("b").resolve();
    await h.waitClosed("b");
    await settle();
    expect(h.out).not.toContain("a:end");
    expect(h.out).toContain("b:end");
    expect(h.log.filter((l) => l.startsWith("start"))).toEqual(["start a", "start b"]);
    await h.bus.cleanup();
  });

  it('"concat" queues a new trigger until the running execution ends', async () => {
    const h = await harness("concat");
    await h.bus.broadcast(trigger("a"));
    await h.bus.broadcast(trigger("b"));
    await h.bus.broadcast(trigger("c"));
    await h.runStarted("a").promise;
    await settle();
    expect(h.bus.stats()).toMatchObject({ active: 1, waiting: 2 });
    h.gate("a").resolve();
    await h.runStarted("b").promise;
    h.gate("b").resolve();
    h.gate("c").resolve();
    await h.waitClosed("c");
    await settle();
    expect(h.out).toEqual(["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
    expect(h.log.filter((l) => l.startsWith("abort"))).toEqual([]);
    await h.bus.cleanup();
  });

  it('"exhaust" ignores a new trigger while an execution runs', async () => {
    const h = await harness("exhaust");
    await h.bus.broadcast(trigger("a"));
    await h.bus.broadcast(trigger("b"));
    await h.runStarted("a").promise;
    expect(h.bus.stats()).toMatchObject({ active: 1, waiting: 0 });
    h.gate("a").resolve();
    await h.waitClosed("a");
    await settle();
    await h.bus.broadcast(trigger("c"));
    h.gate("c").resolve();
    await h.waitClosed("c");
    await settle();
    expect(h.log.filter((l) => l.startsWith("start"))).toEqual(["start a", "start c"]);
    expect(h.out).toEqual(["a:start", "a:end", "c:start", "c:end"]);
    await h.bus.cleanup();
  });
});
