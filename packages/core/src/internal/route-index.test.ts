import { describe, expect, it } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import { registerEvent } from "../event-registry.js";
import { AgentResponse, UserStartedSpeaking, UserStoppedSpeaking } from "../events.js";
import { Message } from "../message.js";

/**
 * A bridge asks only the routes an event's type concerns (its `RouteIndex`, remembered per
 * prototype). What it remembers must never change what routing does: these are the ways the
 * answer for a prototype can change after it was first remembered.
 */
async function busOf(...bridges: Bridge[]): Promise<Bus> {
  const bus = new Bus();
  for (const bridge of bridges) bus.registerBridge(bridge.nodeId, bridge);
  await bus.start();
  return bus;
}

const send = (bus: Bus, event: object) => bus.broadcast(new Message({ source: "user", event }));

/**
 * Gives `route` (whose bridge has seen `UserStartedSpeaking` already) an interrupt rule for it and
 * a generation that waits to be cut off, starts the generation, speaks over it and closes the bus.
 * @returns what the interrupt handler recorded: `["handler"]` if the rule took effect.
 */
async function interruptAfterRuleAdded(
  bus: Bus,
  route: ReturnType<Bridge["on"]>,
): Promise<string[]> {
  const interrupted: string[] = [];
  route
    .interruptOn(UserStartedSpeaking, () => void interrupted.push("handler"))
    .stream(async function* (_m, ctx) {
      yield "one";
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    });
  await send(bus, new UserStoppedSpeaking());
  await send(bus, new UserStartedSpeaking());
  await bus.close();
  return interrupted;
}

describe("routing by event type", () => {
  it("a route added after an event type was seen gets that type's next events", async () => {
    const bridge = new Bridge("agent");
    const first: string[] = [];
    const second: string[] = [];
    bridge.on(AgentResponse).map((m) => first.push(m.event.content));
    const bus = await busOf(bridge);
    await send(bus, new AgentResponse({ content: "a" }));
    bridge.on(AgentResponse).map((m) => second.push(m.event.content));
    await send(bus, new AgentResponse({ content: "b" }));
    expect(first).toEqual(["a", "b"]);
    expect(second).toEqual(["b"]);
  });

  it("an interrupt rule added after its event type was seen takes effect", async () => {
    const bridge = new Bridge("agent");
    const route = bridge.on(UserStoppedSpeaking);
    const bus = await busOf(bridge);
    // UserStartedSpeaking is seen (and remembered as controlling nothing) before the rule exists.
    await send(bus, new UserStartedSpeaking());
    expect(await interruptAfterRuleAdded(bus, route)).toEqual(["handler"]);
  });

  it("an alias registered after its class was seen is matched from then on", async () => {
    class LateEvent {
      readonly n: number;
      constructor(n: number) {
        this.n = n;
      }
    }
    const bridge = new Bridge("agent");
    const seen: number[] = [];
    bridge.on("test.late_event").map((m) => seen.push((m.event as LateEvent).n));
    const bus = await busOf(bridge);
    await send(bus, new LateEvent(1));
    registerEvent("test.late_event", LateEvent);
    await send(bus, new LateEvent(2));
    expect(seen).toEqual([2]);
  });

  it("asks every route about an event with its own `constructor`", async () => {
    class Tagged {}
    registerEvent("test.tagged", Tagged);
    const bridge = new Bridge("agent");
    const seen: unknown[] = [];
    bridge.on("test.tagged").map((m) => seen.push(m.event));
    const bus = await busOf(bridge);
    // A plain object that says it is a Tagged: its alias is Tagged's, not its prototype's.
    const impostor = { constructor: Tagged };
    await send(bus, {});
    await send(bus, impostor);
    expect(seen).toEqual([impostor]);
  });

  it("a class with its own Symbol.hasInstance is asked about every event", async () => {
    /** Matches any object with a `kind` of "ping", whatever its prototype. */
    class Ping {
      static [Symbol.hasInstance](value: unknown): boolean {
        return (
          typeof value === "object" && value !== null && "kind" in value && value.kind === "ping"
        );
      }
    }
    const bridge = new Bridge("agent");
    const seen: unknown[] = [];
    bridge.on(Ping).map((m) => seen.push(m.event));
    const bus = await busOf(bridge);
    const pong = { kind: "pong" };
    const ping = { kind: "ping" };
    await send(bus, pong);
    await send(bus, ping);
    expect(seen).toEqual([ping]);
  });

  it("routes of one type run in declaration order, skipping the others", async () => {
    const bridge = new Bridge("agent");
    const order: string[] = [];
    bridge.on(AgentResponse).map(() => order.push("first"));
    bridge.on(UserStoppedSpeaking).map(() => order.push("other type"));
    bridge.on("*").map(() => order.push("any"));
    bridge.on(AgentResponse).map(() => order.push("last"));
    const bus = await busOf(bridge);
    await send(bus, new AgentResponse({ content: "x" }));
    expect(order).toEqual(["first", "any", "last"]);
  });
});

/**
 * Several bridges on one bus: a bridge with no route for a type when the type was first seen
 * still gets it once a route or rule for it appears, and a bridge that overrides `deliver` gets
 * every type. What any cache of "which bridges a type concerns" at the bus must keep true
 * (Round 11 in BENCHMARKS.md measured one, and did not keep it).
 */
describe("routing by event type across bridges", () => {
  it("a bridge a type did not concern gets its next events once a route for it is added", async () => {
    const speaker = new Bridge("speaker");
    const listener = new Bridge("listener");
    const heard: string[] = [];
    speaker.on(AgentResponse).map(() => undefined);
    const bus = await busOf(speaker, listener);
    await send(bus, new AgentResponse({ content: "a" }));
    listener.on(AgentResponse).map((m) => heard.push(m.event.content));
    await send(bus, new AgentResponse({ content: "b" }));
    expect(heard).toEqual(["b"]);
  });

  it("an interrupt rule added on a bridge the type did not concern takes effect", async () => {
    const other = new Bridge("other");
    const agent = new Bridge("agent");
    other.on(UserStartedSpeaking).map(() => undefined);
    const route = agent.on(UserStoppedSpeaking);
    const bus = await busOf(other, agent);
    await send(bus, new UserStartedSpeaking());
    expect(await interruptAfterRuleAdded(bus, route)).toEqual(["handler"]);
  });

  it("a bridge registered after a type was seen gets that type", async () => {
    const first = new Bridge("first");
    first.on(AgentResponse).map(() => undefined);
    const bus = await busOf(first);
    await send(bus, new AgentResponse({ content: "a" }));
    const late = new Bridge("late");
    const heard: string[] = [];
    late.on(AgentResponse).map((m) => heard.push(m.event.content));
    bus.registerBridge("late", late);
    await send(bus, new AgentResponse({ content: "b" }));
    expect(heard).toEqual(["b"]);
  });

  it("a bridge that overrides deliver hears every type, routes or not", async () => {
    const heard: string[] = [];
    class Tap extends Bridge {
      override deliver(message: Message, seq: number): void {
        heard.push(message.event.constructor.name);
        super.deliver(message, seq);
      }
    }
    const bus = await busOf(new Bridge("agent"), new Tap("tap"));
    await send(bus, new AgentResponse({ content: "a" }));
    await send(bus, new UserStoppedSpeaking());
    expect(heard).toEqual(["AgentResponse", "UserStoppedSpeaking"]);
  });
});
