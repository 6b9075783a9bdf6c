import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import { AgentResponse, UserStartedSpeaking, UserStoppedSpeaking } from "./events.js";
import { deferred } from "./internal/test-deferred.js";
import { SpyLogger } from "./internal/test-spy-logger.js";
import { Message } from "./message.js";

const stopped = () => new Message({ source: "user", event: new UserStoppedSpeaking() });
const started = () => new Message({ source: "user", event: new UserStartedSpeaking() });
const say = (content: string, interruptible = true) =>
  new AgentResponse({ content, interruptible });

async function harness(setup: (agent: Bridge) => void) {
  const bus = new Bus({ logger: new SpyLogger() });
  const agent = new Bridge("agent");
  setup(agent);
  const heard: string[] = [];
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => {
    heard.push(m.event.content);
  });
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  return { bus, heard };
}

describe("uninterruptible output", () => {
  it("delivers a segment of interruptible: false chunks whole, then takes the interrupt", async () => {
    const inSegment = deferred();
    const next = deferred();
    const closed = deferred();
    const handled: string[] = [];
    const { bus, heard } = await harness((agent) => {
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking, () => handled.push("handler"))
        .stream(async function* (_m, ctx) {
          try {
            yield say("Hello. ");
            yield say("Calls are ", false);
            inSegment.resolve();
            await next.promise;
            yield say("recorded. ", false);
            expect(ctx.signal.aborted).toBe(false);
            yield say("How can I help?");
            yield say("never");
          } finally {
            handled.push("finally");
            closed.resolve();
          }
        })
        .broadcast();
    });
    await bus.broadcast(stopped());
    await inSegment.promise;
    await bus.broadcast(started());
    expect(handled).toEqual([]);
    next.resolve();
    await closed.promise;
    await bus.cleanup();
    expect(heard).toEqual(["Hello. ", "Calls are ", "recorded. "]);
    expect(handled).toEqual(["finally", "handler"]);
  });

  it("cancels at once outside a segment", async () => {
    const first = deferred();
    const closed = deferred();
    const { bus, heard } = await harness((agent) => {
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .stream(async function* (_m, ctx) {
          try {
            yield say("Calls are recorded. ", false);
            yield say("Hello. ");
            first.resolve();
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            yield say("never");
          } finally {
            closed.resolve();
          }
        })
        .broadcast();
    });
    await bus.broadcast(stopped());
    await first.promise;
    await bus.broadcast(started());
    await closed.promise;
    await bus.cleanup();
    expect(heard).toEqual(["Calls are recorded. ", "Hello. "]);
  });

  it("stopping the bus does not wait for the end of a segment", async () => {
    const inSegment = deferred();
    const closed = deferred();
    const { bus, heard } = await harness((agent) => {
      agent
        .on(UserStoppedSpeaking)
        .interruptOn(UserStartedSpeaking)
        .stream(async function* (_m, ctx) {
          try {
            yield say("Calls are ", false);
            inSegment.resolve();
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
            yield say("never", false);
          } finally {
            closed.resolve();
          }
        })
        .broadcast();
    });
    await bus.broadcast(stopped());
    await inSegment.promise;
    await bus.broadcast(started());
    await bus.cleanup();
    await closed.promise;
    expect(heard).toEqual(["Calls are "]);
    expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0 });
  });
});
