import { filter, firstValueFrom, toArray, takeWhile } from "rxjs";
import { describe, expect, it } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import {
  AgentGenerationComplete,
  AgentResponse,
  LogMetric,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "../events.js";
import { Message } from "../message.js";
import type { ConversationContext } from "./conversation-context.js";
import { GENERATION_METRICS } from "./generation-metrics.js";
import { ReasoningNode } from "./reasoning-node.js";

class ScriptNode extends ReasoningNode {
  constructor(
    private readonly script: (context: ConversationContext) => AsyncIterable<object | string>,
  ) {
    super({ systemPrompt: "test", nodeId: "agent" });
  }
  protected override processContext(context: ConversationContext): AsyncIterable<object | string> {
    return this.script(context);
  }
}

/** A completion as a node makes it: the given fields, and the measured times (any number). */
function completion(init: ConstructorParameters<typeof AgentGenerationComplete>[0]) {
  return new AgentGenerationComplete({
    ttfcMs: expect.any(Number) as unknown as number,
    durationMs: expect.any(Number) as unknown as number,
    ...init,
  });
}

async function collect(iterable: AsyncIterable<object>): Promise<object[]> {
  const out: object[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Runs one turn on a bus; resolves with every message the agent broadcast, completion included. */
async function turn(node: ReasoningNode): Promise<Message[]> {
  const bus = new Bus();
  const agent = new Bridge(node);
  agent.conversation(node);
  bus.registerBridge("agent", agent);
  await bus.start();
  const sent = firstValueFrom(
    bus.messages$.pipe(
      filter((m) => m.source === "agent"),
      takeWhile((m) => !(m.event instanceof AgentGenerationComplete), true),
      toArray(),
    ),
  );
  await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
  const messages = await sent;
  await bus.cleanup();
  return messages;
}

describe("ReasoningNode generation events (issue 10)", () => {
  describe("a node that yields its own AgentGenerationComplete", () => {
    it("produces exactly one completion, with the node's fields, never recorded in the history", async () => {
      const node = new ScriptNode(async function* () {
        yield "Hi there.";
        yield new AgentGenerationComplete({ totalLength: 99, chunkCount: 7 });
      });
      const out = await collect(node.generate());
      const completions = out.filter((e) => e instanceof AgentGenerationComplete);
      expect(completions).toEqual([
        completion({ totalLength: 99, chunkCount: 7, interrupted: false }),
      ]);
      expect(out.at(-1)).toBe(completions[0]);
      expect(node.conversationEvents).toEqual([new AgentResponse({ content: "Hi there." })]);
    });

    it("keeps the framework's totals for the fields the node left out", async () => {
      const node = new ScriptNode(async function* () {
        yield "Hi.";
        yield new AgentGenerationComplete({ chunkCount: 3 });
      });
      const out = await collect(node.generate());
      expect(out.filter((e) => e instanceof AgentGenerationComplete)).toEqual([
        completion({ totalLength: 3, chunkCount: 3, interrupted: false }),
      ]);
    });
  });

  describe("chunk types", () => {
    it("records chunks of every type, merged into one agent turn, so two user turns stay apart", async () => {
      let turnNo = 0;
      const node = new ScriptNode(async function* () {
        turnNo++;
        yield new AgentResponse({ content: `Turn ${turnNo}. `, chunkType: "buffered" });
        yield new AgentResponse({ content: "Done.", chunkType: "final" });
      });
      node.addEvent(new UserTranscriptionReceived({ content: "one" }));
      await collect(node.generate());
      node.addEvent(new UserTranscriptionReceived({ content: "two" }));
      await collect(node.generate());
      expect(node.conversationEvents).toMatchObject([
        { content: "one" },
        { content: "Turn 1. Done." },
        { content: "two" },
        { content: "Turn 2. Done." },
      ]);
    });
  });

  describe("metrics", () => {
    it("ride on the completion: no frame of their own for a generation that completes", async () => {
      const node = new ScriptNode(async function* () {
        yield "Hello.";
      });
      const messages = await turn(node);
      const generationId = messages[0]?.generationId;
      expect(generationId).toBeDefined();
      expect(messages.map((m) => m.event.constructor)).toEqual([
        AgentResponse,
        AgentGenerationComplete,
      ]);
      const done = messages[1]!.event as AgentGenerationComplete;
      expect(done).toMatchObject({ chunkCount: 1, totalLength: 6, interrupted: false });
      expect(done.ttfcMs).toBeGreaterThanOrEqual(0);
      expect(done.durationMs).toBeGreaterThanOrEqual(0);
      for (const m of messages) expect(m.generationId).toBe(generationId);
      expect(node.conversationEvents).toEqual([new AgentResponse({ content: "Hello." })]);
    });

    it('go out as LogMetrics too, before the completion, with metricEvents: "always"', async () => {
      class Always extends ReasoningNode {
        constructor() {
          super({ systemPrompt: "test", nodeId: "agent", metricEvents: "always" });
        }
        protected override async *processContext() {
          yield "Hello.";
        }
      }
      const messages = await turn(new Always());
      const generationId = messages[0]?.generationId;
      expect(messages.map((m) => m.event.constructor)).toEqual([
        AgentResponse,
        LogMetric,
        LogMetric,
        LogMetric,
        LogMetric,
        AgentGenerationComplete,
      ]);
      expect(messages.slice(1, 5).map((m) => (m.event as LogMetric).name)).toEqual([
        GENERATION_METRICS.ttfcMs,
        GENERATION_METRICS.durationMs,
        GENERATION_METRICS.chunkCount,
        GENERATION_METRICS.interrupted,
      ]);
      // The same numbers as the completion's.
      const done = messages[5]!.event as AgentGenerationComplete;
      expect((messages[1]!.event as LogMetric).value).toBe(done.ttfcMs);
      expect((messages[2]!.event as LogMetric).value).toBe(done.durationMs);
      for (const m of messages) expect(m.generationId).toBe(generationId);
    });
  });
});
