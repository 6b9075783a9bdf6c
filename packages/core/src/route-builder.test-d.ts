import { bufferCount, map as rxMap } from "rxjs";
import { describe, expectTypeOf, it } from "vitest";
// Line's names (resume_on, .on() on a builder) are typed by the line entry.
import "./line.js";
import { Bridge } from "./bridge.js";
import type { AgentGenerationComplete, LogMetric } from "./events.js";
import {
  AgentResponse,
  ToolCall,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "./events.js";
import type { Message } from "./message.js";
import type { ConversationContext } from "./nodes/conversation-context.js";
import { ReasoningNode } from "./nodes/reasoning-node.js";
import type { RouteBuilder, SettingsAfterStep } from "./route-builder.js";
import type { RouteContext } from "./route-context.js";

const bridge = new Bridge("agent");

describe("RouteBuilder types", () => {
  it("on(EventClass) carries Message<Event>", () => {
    expectTypeOf(bridge.on(UserTranscriptionReceived)).toEqualTypeOf<
      RouteBuilder<Message<UserTranscriptionReceived>, UserTranscriptionReceived, "settings">
    >();
    expectTypeOf(bridge.on("user.*")).toEqualTypeOf<RouteBuilder<Message, object, "settings">>();
    expectTypeOf(bridge.on(UserStoppedSpeaking).on(DTMFInputEvent)).toEqualTypeOf<
      RouteBuilder<Message<DTMFInputEvent>, DTMFInputEvent, "settings">
    >();
  });

  it("types where and filter by the event", () => {
    bridge.on(UserTranscriptionReceived, {
      where: { content: (c) => expectTypeOf(c).toEqualTypeOf<string>() !== undefined },
      filter: (m) => expectTypeOf(m).toEqualTypeOf<Message<UserTranscriptionReceived>>(),
    });
    // @ts-expect-error: no such property on the event
    bridge.on(UserTranscriptionReceived, { where: { nope: 1 } });
    // @ts-expect-error: content is a string
    bridge.on(UserTranscriptionReceived, { where: { content: 3 } });
  });

  it("map changes the type and unwraps an async result", () => {
    const r = bridge.on(UserTranscriptionReceived).map((m) => m.event.content.length);
    expectTypeOf(r).toEqualTypeOf<RouteBuilder<number, UserTranscriptionReceived>>();
    const a = r.map(async (n) => String(n));
    expectTypeOf(a).toEqualTypeOf<RouteBuilder<string, UserTranscriptionReceived>>();
  });

  it("a type-guard filter narrows; a plain filter keeps the type", () => {
    const events = bridge.on("*").map((m) => m.event);
    expectTypeOf(events).toEqualTypeOf<RouteBuilder<object, object>>();
    const narrowed = events.filter((e): e is AgentResponse => e instanceof AgentResponse);
    expectTypeOf(narrowed).toEqualTypeOf<RouteBuilder<AgentResponse, object>>();
    expectTypeOf(narrowed.filter((e) => e.content.length > 0)).toEqualTypeOf<
      RouteBuilder<AgentResponse, object>
    >();
    expectTypeOf(narrowed.filter(async (e) => e.content !== "")).toEqualTypeOf<
      RouteBuilder<AgentResponse, object>
    >();
  });

  it("stream follows the items of what fn returns", () => {
    const route = bridge.on(UserStoppedSpeaking);
    expectTypeOf(
      route.stream(async function* () {
        yield new AgentResponse({ content: "x" });
      }),
    ).toEqualTypeOf<RouteBuilder<AgentResponse, UserStoppedSpeaking>>();
    expectTypeOf(route.stream(() => [1, 2, 3])).toEqualTypeOf<
      RouteBuilder<number, UserStoppedSpeaking>
    >();
    expectTypeOf(route.stream(async () => [1, 2, 3])).toEqualTypeOf<
      RouteBuilder<number, UserStoppedSpeaking>
    >();
    expectTypeOf(route.stream(async () => true)).toEqualTypeOf<
      RouteBuilder<boolean, UserStoppedSpeaking>
    >();
    expectTypeOf(route.stream(() => "one item")).toEqualTypeOf<
      RouteBuilder<string, UserStoppedSpeaking>
    >();
  });

  it("stream() with no fn iterates the current value", () => {
    const route = bridge.on(UserStoppedSpeaking);
    expectTypeOf(route.map(() => [1, 2]).stream()).toEqualTypeOf<
      RouteBuilder<number, UserStoppedSpeaking>
    >();
    expectTypeOf(route.map(() => "abc").stream()).toEqualTypeOf<
      RouteBuilder<string, UserStoppedSpeaking>
    >();
    expectTypeOf(route.map(async () => ["a"]).stream()).toEqualTypeOf<
      RouteBuilder<string, UserStoppedSpeaking>
    >();
  });

  it("pipe follows the operators", () => {
    const route = bridge.on(UserStoppedSpeaking).stream(() => ["a", "b"]);
    expectTypeOf(route.pipe(rxMap((s) => s.length))).toEqualTypeOf<
      RouteBuilder<number, UserStoppedSpeaking>
    >();
    expectTypeOf(route.pipe(bufferCount(2))).toEqualTypeOf<
      RouteBuilder<string[], UserStoppedSpeaking>
    >();
    expectTypeOf(
      route.pipe(
        rxMap((s) => s.length),
        bufferCount(2),
      ),
    ).toEqualTypeOf<RouteBuilder<number[], UserStoppedSpeaking>>();
    // @ts-expect-error: the operator takes numbers, the route carries strings
    route.pipe(rxMap((n: number) => n + 1));
  });

  it("broadcast accepts events and strings, not other values", () => {
    const route = bridge.on(UserStoppedSpeaking);
    route.map(() => new AgentResponse({ content: "x" })).broadcast();
    route.map(() => "text").broadcast();
    route.broadcast(); // a Message forwards its event
    route.map(() => ({ content: "x" })).broadcast(AgentResponse);
    // @ts-expect-error: a number is not an event
    route.map(() => 42).broadcast();
    // @ts-expect-error: undefined is not an event
    route.map(() => undefined).broadcast();
    // @ts-expect-error: what addEvent returns (void) is not an event
    route.map((): void => {}).broadcast();
    // @ts-expect-error: the class's init does not take a number
    route.map(() => 42).broadcast(AgentResponse);
  });

  it("types ctx.message by the trigger event in every step", () => {
    bridge
      .on(UserTranscriptionReceived)
      .map((_m, ctx) => {
        expectTypeOf(ctx).toEqualTypeOf<RouteContext<UserTranscriptionReceived>>();
        expectTypeOf(ctx.message.event.content).toEqualTypeOf<string>();
        expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
        expectTypeOf(ctx.generationId).toEqualTypeOf<string>();
        return 1;
      })
      .filter((_n, ctx) => ctx.message.event.content !== "")
      .stream((_n, ctx) => [ctx.message.event.content])
      .map(
        (s, ctx) =>
          expectTypeOf(ctx.message).toEqualTypeOf<Message<UserTranscriptionReceived>>() && s,
      );
  });

  it("types control handlers by their event", () => {
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, (m) =>
        expectTypeOf(m).toEqualTypeOf<Message<UserStartedSpeaking>>(),
      )
      .suspendOn(DTMFInputEvent, {
        handler: (m) => m.event.button,
        filter: (m) => m.event.button === "#",
      })
      .resume_on(UserTranscriptionReceived, (m) => m.event.content)
      .concurrency("switch");
    // @ts-expect-error: not a concurrency mode
    bridge.on(UserStoppedSpeaking).concurrency("parallel");
  });

  it("names the phases: route settings, then steps", () => {
    const route = bridge.on(UserStoppedSpeaking);
    expectTypeOf(route).toEqualTypeOf<
      RouteBuilder<Message<UserStoppedSpeaking>, UserStoppedSpeaking, "settings">
    >();
    const settled = route.concurrency("switch").interruptOn(UserStartedSpeaking);
    expectTypeOf(settled).toEqualTypeOf<
      RouteBuilder<Message<UserStoppedSpeaking>, UserStoppedSpeaking, "settings">
    >();
    const stepped = settled.map(() => "x");
    expectTypeOf(stepped).toEqualTypeOf<RouteBuilder<string, UserStoppedSpeaking>>();
    expectTypeOf(stepped).toEqualTypeOf<RouteBuilder<string, UserStoppedSpeaking, "steps">>();
    expectTypeOf(stepped.broadcast()).toEqualTypeOf<RouteBuilder<string, UserStoppedSpeaking>>();
    // Settings builders and step builders are different types: one cannot stand for the other.
    expectTypeOf(route).not.toMatchTypeOf<
      RouteBuilder<Message<UserStoppedSpeaking>, UserStoppedSpeaking>
    >();
  });

  it("makes a route setting after a step a compile error that says why", () => {
    const stepped = bridge.on(UserStoppedSpeaking).map(() => "x");
    // @ts-expect-error: settings come before the first step
    stepped.concurrency("switch");
    // @ts-expect-error: settings come before the first step
    stepped.interruptOn(UserStartedSpeaking);
    // @ts-expect-error: settings come before the first step
    stepped.broadcast().suspendOn(DTMFInputEvent);
    // @ts-expect-error: settings come before the first step
    stepped.resume_on(DTMFInputEvent);
    expectTypeOf(stepped.concurrency).parameter(0).toEqualTypeOf<SettingsAfterStep>();
  });

  it("takes conversation()'s concurrency as an option", () => {
    const node = {
      id: "n",
      addEvent: () => undefined,
      generate: async function* () {},
      onInterruptGenerate: () => undefined,
    };
    const { generation } = new Bridge(node).conversation(node, { concurrency: "switch" });
    expectTypeOf(generation).toEqualTypeOf<RouteBuilder<object, object>>();
    // @ts-expect-error: the generation route is past its settings
    generation.concurrency("switch");
    // @ts-expect-error: not a concurrency mode
    new Bridge(node).conversation(node, { concurrency: "parallel" });
  });

  describe("stages after .stream(node.generate) (issue 10)", () => {
    class Talker extends ReasoningNode<AgentResponse> {
      protected override async *processContext(_context: ConversationContext) {
        yield new AgentResponse({ content: "hi" });
      }
    }
    class Mixed extends ReasoningNode<string | ToolCall> {
      protected override async *processContext(_context: ConversationContext) {
        yield "text";
        yield new ToolCall({ toolName: "t", toolArgs: {}, toolCallId: "1" });
      }
    }
    class Untyped extends ReasoningNode {
      protected override async *processContext(_context: ConversationContext) {
        yield "text";
      }
    }
    async function* clean(chunk: AgentResponse) {
      yield new AgentResponse({ content: chunk.content.trim() });
    }

    it("generate yields the node's events and the bookkeeping; the route's items leave the bookkeeping out", () => {
      const talker = new Talker({ systemPrompt: "" });
      expectTypeOf(talker.generate).returns.toEqualTypeOf<
        AsyncGenerator<AgentResponse | AgentGenerationComplete | LogMetric, void, undefined>
      >();
      expectTypeOf(bridge.on(UserStoppedSpeaking).stream(talker.generate)).toEqualTypeOf<
        RouteBuilder<AgentResponse, UserStoppedSpeaking>
      >();
      const mixed = new Mixed({ systemPrompt: "" });
      expectTypeOf(bridge.on(UserStoppedSpeaking).stream(mixed.generate)).toEqualTypeOf<
        RouteBuilder<AgentResponse | ToolCall, UserStoppedSpeaking>
      >();
      const untyped = new Untyped({ systemPrompt: "" });
      expectTypeOf(bridge.on(UserStoppedSpeaking).stream(untyped.generate)).toEqualTypeOf<
        RouteBuilder<object, UserStoppedSpeaking>
      >();
    });

    it("each stage's input is what the previous stage yields", () => {
      const talker = new Talker({ systemPrompt: "" });
      const route = bridge.on(UserStoppedSpeaking).stream(talker.generate);
      expectTypeOf(route.stream(clean).stream(clean).stream(clean)).toEqualTypeOf<
        RouteBuilder<AgentResponse, UserStoppedSpeaking>
      >();
      const lengths = route.stream(clean).map((chunk) => chunk.content.length);
      expectTypeOf(lengths).toEqualTypeOf<RouteBuilder<number, UserStoppedSpeaking>>();
      expectTypeOf(
        lengths.stream(async function* (n) {
          yield String(n);
        }),
      ).toEqualTypeOf<RouteBuilder<string, UserStoppedSpeaking>>();
      route.filter((chunk) => expectTypeOf(chunk).toEqualTypeOf<AgentResponse>());
      // @ts-expect-error: the items are AgentResponse, not numbers
      route.stream(async function* (n: number) {
        yield n;
      });
    });

    it("a stage that asks for all sees the bookkeeping too", () => {
      const talker = new Talker({ systemPrompt: "" });
      const route = bridge.on(UserStoppedSpeaking).stream(talker.generate);
      route.map(
        (e) => expectTypeOf(e).toEqualTypeOf<AgentResponse | AgentGenerationComplete | LogMetric>(),
        { all: true },
      );
      route.filter(
        (e) => expectTypeOf(e).toEqualTypeOf<AgentResponse | AgentGenerationComplete | LogMetric>(),
        { all: true },
      );
      expectTypeOf(
        route.stream(
          function* (e) {
            if (e instanceof AgentResponse) yield e;
          },
          { all: true },
        ),
      ).toEqualTypeOf<RouteBuilder<AgentResponse, UserStoppedSpeaking>>();
      // @ts-expect-error: without { all: true } the stage never gets the completion
      route.map((e: AgentGenerationComplete) => e);
    });
  });
});
