import { afterEach, describe, expect, it } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import { AgentResponse, ToolCall, UserStartedSpeaking, UserStoppedSpeaking } from "../events.js";
import { Message } from "../message.js";
import type { RouteContext } from "../route-context.js";
import { bufferSentences } from "./buffer-sentences.js";

/** A promise and the function that resolves it. */
function signalled(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** Resolves when `signal` aborts: a stand-in for an LLM request made with the route's signal. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true }),
  );
}

/** A user bridge that records every AgentResponse the agent broadcasts. */
function collector(bus: Bus) {
  const received: Message<AgentResponse>[] = [];
  const waiting: { content: string; resolve: () => void }[] = [];
  const user = new Bridge("user");
  user.on(AgentResponse).map((message) => {
    received.push(message);
    for (const w of waiting.filter((w) => w.content === message.event.content)) w.resolve();
  });
  bus.registerBridge("user", user);
  return {
    received,
    contents: () => received.map((m) => m.event.content),
    /** Resolves once a chunk with exactly this content has arrived. */
    until: (content: string) =>
      new Promise<void>((resolve) => {
        if (received.some((m) => m.event.content === content)) resolve();
        else waiting.push({ content, resolve });
      }),
  };
}

const turn = () => new Message({ source: "user", event: new UserStoppedSpeaking() });
const bargeIn = () => new Message({ source: "user", event: new UserStartedSpeaking() });

describe("bufferSentences in a route", () => {
  let bus: Bus;
  afterEach(async () => {
    await bus.cleanup();
  });

  it("broadcasts whole sentences and flushes the last one when the generation ends", async () => {
    bus = new Bus();
    const user = collector(bus);
    const agent = new Bridge("agent");
    agent
      .on(UserStoppedSpeaking)
      .stream(async function* () {
        yield* ["Dr", ". Smith", " paid $3", ".", "50", ". Then", " he", " left"];
      })
      .pipe(bufferSentences())
      .broadcast();
    bus.registerBridge("agent", agent);
    await bus.start();

    await bus.broadcast(turn());
    await user.until("Then he left");

    expect(user.contents()).toEqual(["Dr. Smith paid $3.50. ", "Then he left"]);
    expect(user.received.every((m) => m.source === "agent")).toBe(true);
    const [first, second] = user.received;
    expect(first!.generationId).toBeDefined();
    expect(second!.generationId).toBe(first!.generationId);
  });

  it("flushes held text before a tool call and broadcasts the call in order", async () => {
    bus = new Bus();
    const seen: string[] = [];
    bus.messages$.subscribe((m) => {
      if (m.event instanceof AgentResponse) seen.push(m.event.content);
      if (m.event instanceof ToolCall) seen.push(`tool:${m.event.toolName}`);
    });
    const user = collector(bus);
    const agent = new Bridge("agent");
    agent
      .on(UserStoppedSpeaking)
      .stream(async function* () {
        yield "Let me check";
        yield new ToolCall({ toolName: "get_weather" });
        yield "It is sunny.";
      })
      .pipe(bufferSentences())
      .broadcast();
    bus.registerBridge("agent", agent);
    await bus.start();

    await bus.broadcast(turn());
    await user.until("It is sunny.");

    expect(seen).toEqual(["Let me check", "tool:get_weather", "It is sunny."]);
  });

  it("never broadcasts the partial sentence it held when the user interrupts", async () => {
    bus = new Bus();
    const user = collector(bus);
    const log: string[] = [];
    const paused = signalled();
    const interrupted = signalled();
    let turns = 0;
    const agent = new Bridge("agent");
    agent
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, () => interrupted.resolve())
      .stream(async function* (_message, ctx: RouteContext) {
        turns += 1;
        if (turns > 1) {
          yield "Fresh start.";
          return;
        }
        try {
          yield "Hello there. ";
          yield "How are";
          yield " you";
          paused.resolve();
          await untilAborted(ctx.signal);
          yield " today?";
        } finally {
          log.push("generator closed");
        }
      })
      .pipe(bufferSentences())
      .broadcast();
    bus.registerBridge("agent", agent);
    await bus.start();

    await bus.broadcast(turn());
    await paused.promise;
    // The first sentence is out (text after it arrived); "How are you" is held.
    await user.until("Hello there. ");
    expect(user.contents()).toEqual(["Hello there. "]);

    await bus.broadcast(bargeIn());
    await interrupted.promise;
    await new Promise((resolve) => setImmediate(resolve)); // room for any late broadcast to show up

    expect(log).toEqual(["generator closed"]);
    expect(user.contents()).toEqual(["Hello there. "]);
    expect(bus.stats()).toMatchObject({ active: 0, tearingDown: 0, waiting: 0 });

    // The next turn starts clean: nothing of the dropped sentence leaks into it.
    await bus.broadcast(turn());
    await user.until("Fresh start.");
    expect(user.contents()).toEqual(["Hello there. ", "Fresh start."]);
    const [old, fresh] = user.received;
    expect(fresh!.generationId).not.toBe(old!.generationId);
  });
});
