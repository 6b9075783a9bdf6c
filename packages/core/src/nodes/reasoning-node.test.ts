import { firstValueFrom, filter, take, toArray } from "rxjs";
import { describe, expect, it, vi } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import {
  AgentGenerationComplete,
  AgentResponse,
  AgentSpeechSent,
  LogMetric,
  UserBackchannel,
  ToolCall,
  ToolResult,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "../events.js";
import { deferred } from "../internal/test-deferred.js";
import { SpyLogger } from "../internal/test-spy-logger.js";
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

class QuietNode extends ReasoningNode {
  constructor(options: { maxTurnBytes?: number; maxHistoryBytes?: number; logger?: SpyLogger }) {
    super({ systemPrompt: "test", nodeId: "agent", ...options });
  }
  protected override async *processContext(): AsyncIterable<string> {}
}

async function collect(iterable: AsyncIterable<object>): Promise<object[]> {
  const out: object[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

function setup(node: ReasoningNode) {
  const bus = new Bus();
  const agent = new Bridge(node);
  agent.conversation(node);
  const user = new Bridge("user");
  const heard: AgentResponse[] = [];
  user.on(AgentResponse).map((m) => heard.push(m.event));
  bus.registerBridge("agent", agent).registerBridge("user", user);
  const say = (event: object) => bus.broadcast(new Message({ source: "user", event }));
  return { bus, heard, say };
}

describe("ReasoningNode", () => {
  describe("#generate", () => {
    it("turns strings into AgentResponse and ends with AgentGenerationComplete", async () => {
      const node = new ScriptNode(async function* () {
        yield "Hello";
        yield new AgentResponse({ content: ", world." });
      });
      const out = await collect(node.generate());
      // The generation's metrics ride on its completion.
      expect(out.map((e) => e.constructor)).toEqual([
        AgentResponse,
        AgentResponse,
        AgentGenerationComplete,
      ]);
      const done = out[2] as AgentGenerationComplete;
      expect(done).toMatchObject({ totalLength: 13, chunkCount: 2, interrupted: false });
      expect(done.ttfcMs).toBeGreaterThanOrEqual(0);
      expect(done.durationMs).toBeGreaterThanOrEqual(done.ttfcMs!);
      expect(done.inputTokens).toBeUndefined(); // the script reported no usage
    });

    it("without a trigger, times the first chunk from the generation's start, not from a second clock reading", async () => {
      // Two Date.now() readings a millisecond apart once put ttfc 1 ms ahead of the duration.
      // Each reading here is a second later, so a second reading shows as a second of ttfc.
      let now = 1_000_000;
      const clock = vi.spyOn(Date, "now").mockImplementation(() => (now += 1000));
      try {
        const node = new ScriptNode(async function* () {
          yield "Hello";
        });
        const done = (await collect(node.generate())).at(-1) as AgentGenerationComplete;
        expect(done.ttfcMs).toBeLessThanOrEqual(done.durationMs!);
        expect(done.ttfcMs).toBeLessThan(500);
      } finally {
        clock.mockRestore();
      }
    });

    it("never yields empty or whitespace-only chunks, and keeps their whitespace for the next chunk", async () => {
      const node = new ScriptNode(async function* () {
        yield "One";
        yield "";
        yield " ";
        yield "\n";
        yield "two";
        yield "  ";
      });
      const out = (await collect(node.generate())).filter((e) => e instanceof AgentResponse);
      expect(out.map((e) => e.content)).toEqual(["One", " \ntwo"]);
    });

    it("records delivered events in the history but not the completion", async () => {
      const node = new ScriptNode(async function* () {
        yield "Hi ";
        yield "there.";
      });
      node.addEvent(new UserTranscriptionReceived({ content: "hello" }));
      await collect(node.generate());
      expect(node.conversationEvents).toEqual([
        new UserTranscriptionReceived({ content: "hello" }),
        new AgentResponse({ content: "Hi there." }),
      ]);
    });

    it("gives processContext a live view of the history", async () => {
      const seen: number[] = [];
      const node = new ScriptNode(async function* (context) {
        seen.push(context.events.length);
        yield new ToolCall({ toolName: "lookup", toolCallId: "c1" });
        seen.push(context.events.length);
        yield new ToolResult({ toolName: "lookup", toolCallId: "c1", result: 1 });
        seen.push(context.events.length);
      });
      await collect(node.generate());
      expect(seen).toEqual([0, 1, 2]);
    });

    it("flags the completion as interrupted when processContext returns after an abort", async () => {
      const controller = new AbortController();
      const node = new ScriptNode(async function* () {
        yield "partial";
        controller.abort();
      });
      const out = await collect(node.generate(undefined, { signal: controller.signal }));
      expect(out.at(-1)).toMatchObject({ interrupted: true });
      expect(node.conversationEvents).toEqual([
        new AgentResponse({ content: "partial", interrupted: true }),
      ]);
    });

    it("works unbound, with a message and no ctx", async () => {
      const node = new ScriptNode(async function* () {
        yield "ok";
      });
      const { generate, addEvent, clearContext } = node;
      addEvent(new UserTranscriptionReceived({ content: "x" }));
      const out = await collect(
        generate(new Message({ source: "user", event: new UserStoppedSpeaking() })),
      );
      expect(out.map((e) => e.constructor.name)).toEqual([
        "AgentResponse",
        "AgentGenerationComplete",
      ]);
      expect(clearContext()).toHaveLength(2);
      expect(node.conversationEvents).toEqual([]);
    });
  });

  describe("#addEvent", () => {
    it("merges consecutive agent responses and consecutive transcriptions", () => {
      const node = new ScriptNode(async function* () {});
      node.addEvent(
        new Message({
          source: "user",
          event: new UserTranscriptionReceived({ content: "I want" }),
        }),
      );
      node.addEvent(new UserTranscriptionReceived({ content: "a pizza" }));
      node.addEvent(new AgentResponse({ content: "Sure, " }));
      node.addEvent(new AgentResponse({ content: "which size?" }));
      node.addEvent(new UserTranscriptionReceived({ content: "Large" }));
      expect(node.conversationEvents).toEqual([
        new UserTranscriptionReceived({ content: "I want a pizza" }),
        new AgentResponse({ content: "Sure, which size?" }),
        new UserTranscriptionReceived({ content: "Large" }),
      ]);
    });

    it("trims the last agent turn to what the platform reports as spoken", () => {
      const node = new ScriptNode(async function* () {});
      node.addEvent(new AgentResponse({ content: "The total is forty dollars. Shall I book it?" }));
      node.addEvent(new AgentSpeechSent({ content: "The total is forty dollars." }));
      expect(node.conversationEvents).toEqual([
        new AgentResponse({ content: "The total is forty dollars.", interrupted: true }),
      ]);
      node.addEvent(new AgentSpeechSent({ content: "The total is forty dollars." }));
      expect(node.conversationEvents).toHaveLength(1);
    });

    it("joins words across frames without re-reading the turn (space only where none is)", () => {
      const node = new QuietNode({});
      for (const part of ["one", " two", "three ", "four", "", "five"]) {
        node.addEvent(new UserTranscriptionReceived({ content: part }));
      }
      expect(node.conversationEvents).toEqual([
        new UserTranscriptionReceived({ content: "one two three four five" }),
      ]);
    });

    it("caps a user turn at maxTurnBytes, dropping its oldest text with one log line per turn", () => {
      const logger = new SpyLogger();
      const node = new QuietNode({ maxTurnBytes: 100, logger });
      for (let i = 0; i < 50; i++) {
        node.addEvent(new UserTranscriptionReceived({ content: `w${String(i).padStart(2, "0")}` }));
      }
      const turn = node.conversationEvents[0] as UserTranscriptionReceived;
      expect(node.conversationEvents).toHaveLength(1);
      expect(Buffer.byteLength(turn.content)).toBeLessThanOrEqual(100);
      expect(turn.content.endsWith("w47 w48 w49")).toBe(true);
      expect(turn.content).not.toContain("w00");
      const capLines = () => logger.lines.filter((l) => l.msg?.includes("maxTurnBytes"));
      expect(capLines()).toHaveLength(1);
      expect(capLines()[0]?.level).toBe("info");
      // A new turn over the cap is logged again; one longer than the cap keeps its end.
      node.addEvent(new AgentResponse({ content: "ok" }));
      node.addEvent(new UserTranscriptionReceived({ content: "é".repeat(80) + "end" }));
      const second = node.conversationEvents.at(-1) as UserTranscriptionReceived;
      expect(Buffer.byteLength(second.content)).toBeLessThanOrEqual(100);
      expect(second.content.endsWith("éend")).toBe(true);
      expect(capLines()).toHaveLength(2);
    });

    it("caps the history at maxHistoryBytes, dropping the oldest events and never orphaning a tool result", () => {
      const logger = new SpyLogger();
      const node = new QuietNode({ maxHistoryBytes: 2000, logger });
      node.addEvent(new UserTranscriptionReceived({ content: "weather?" }));
      node.addEvent(new ToolCall({ toolName: "a", toolArgs: { x: "1" }, toolCallId: "c1" }));
      node.addEvent(new ToolCall({ toolName: "b", toolArgs: { x: "2" }, toolCallId: "c2" }));
      node.addEvent(new ToolResult({ toolName: "a", toolArgs: {}, toolCallId: "c1", result: 1 }));
      node.addEvent(new ToolResult({ toolName: "b", toolArgs: {}, toolCallId: "c2", result: 2 }));
      for (let i = 0; i < 40; i++) {
        node.addEvent(new AgentResponse({ content: `answer ${i} `.padEnd(100, ".") }));
        node.addEvent(new UserTranscriptionReceived({ content: `question ${i}`.padEnd(100, ".") }));
      }
      const history = node.conversationEvents;
      const size = history.reduce(
        (sum: number, e) => sum + 64 + Buffer.byteLength((e as { content: string }).content),
        0,
      );
      expect(size).toBeLessThanOrEqual(2000);
      expect((history.at(-1) as UserTranscriptionReceived).content.startsWith("question 39")).toBe(
        true,
      );
      expect(history.some((e) => e instanceof ToolCall || e instanceof ToolResult)).toBe(false);
      const dropLines = logger.lines.filter((l) => l.msg?.includes("maxHistoryBytes"));
      expect(dropLines.length).toBeGreaterThan(0);
      expect(dropLines.length).toBeLessThan(5);

      // The cap counts a history that starts again after clearContext().
      node.clearContext();
      node.addEvent(new UserTranscriptionReceived({ content: "fresh" }));
      expect(node.conversationEvents).toEqual([
        new UserTranscriptionReceived({ content: "fresh" }),
      ]);
    });

    it("shows the agent turn so far whenever the history is read, and keeps merging after", () => {
      const node = new QuietNode({});
      node.addEvent(new UserTranscriptionReceived({ content: "hi" }));
      node.addEvent(new AgentResponse({ content: "One, " }));
      node.addEvent(new AgentResponse({ content: "two, ", chunkType: "buffered" }));
      const history = node.conversationEvents;
      expect(history).toEqual([
        new UserTranscriptionReceived({ content: "hi" }),
        new AgentResponse({ content: "One, two, " }),
      ]);
      node.addEvent(new AgentResponse({ content: "three.", interrupted: true }));
      expect(node.conversationEvents).toBe(history);
      expect(history).toEqual([
        new UserTranscriptionReceived({ content: "hi" }),
        new AgentResponse({ content: "One, two, three.", interrupted: true }),
      ]);
      // A backchannel stays after the turn; the turn goes on past it.
      node.addEvent(new UserBackchannel({ content: "mhm" }));
      node.addEvent(new AgentResponse({ content: " Four." }));
      node.addEvent(new AgentResponse({ content: " Five." }));
      expect(node.conversationEvents.map((e) => (e as { content: string }).content)).toEqual([
        "hi",
        "One, two, three. Four. Five.",
        "mhm",
      ]);
    });

    it("caps the history while a long turn streams, counting every chunk", () => {
      const node = new QuietNode({ maxHistoryBytes: 1000 });
      for (let i = 0; i < 3; i++) {
        node.addEvent(new UserTranscriptionReceived({ content: `question ${i}`.padEnd(100, ".") }));
        node.addEvent(new AgentResponse({ content: `answer ${i}` }));
      }
      node.addEvent(new UserTranscriptionReceived({ content: "tell me more" }));
      node.addEvent(new AgentResponse({ content: "start " }));
      for (let i = 0; i < 60; i++) node.addEvent(new AgentResponse({ content: "0123456789" }));
      const history = node.conversationEvents;
      // The streamed turn (64 + 606 bytes) is whole; of what came before, only what fits stays.
      expect(history).toEqual([
        new UserTranscriptionReceived({ content: "question 2".padEnd(100, ".") }),
        new AgentResponse({ content: "answer 2" }),
        new UserTranscriptionReceived({ content: "tell me more" }),
        new AgentResponse({ content: "start " + "0123456789".repeat(60) }),
      ]);
      const size = history.reduce(
        (sum: number, e) => sum + 64 + Buffer.byteLength((e as { content: string }).content),
        0,
      );
      expect(size).toBeLessThanOrEqual(1000);
    });

    it("drops a tool call's results along with it", () => {
      const node = new QuietNode({ maxHistoryBytes: 400 });
      node.addEvent(
        new ToolCall({ toolName: "a", toolArgs: { x: "1".repeat(100) }, toolCallId: "c1" }),
      );
      node.addEvent(new ToolCall({ toolName: "b", toolArgs: {}, toolCallId: "c2" }));
      node.addEvent(new ToolResult({ toolName: "a", toolArgs: {}, toolCallId: "c1", result: 1 }));
      node.addEvent(new ToolResult({ toolName: "b", toolArgs: {}, toolCallId: "c2", result: 2 }));
      node.addEvent(new AgentResponse({ content: "x".repeat(150) }));
      expect(node.conversationEvents.map((e) => e.constructor)).toEqual([AgentResponse]);
    });
  });

  describe("when interrupted", () => {
    it("keeps only what was delivered before the interrupt, marked interrupted", async () => {
      const release = deferred();
      let closed = false;
      const node = new ScriptNode(async function* (context) {
        try {
          yield "First sentence. ";
          yield "Second sentence. ";
          await release.promise; // ignores the signal on purpose
          yield "Never heard.";
        } finally {
          closed = context.signal.aborted;
        }
      });
      const { bus, heard, say } = setup(node);
      node.addEvent(new UserTranscriptionReceived({ content: "Tell me" }));
      const secondHeard = firstValueFrom(
        bus.messages$.pipe(
          filter((m) => m.event instanceof AgentResponse),
          take(2),
          toArray(),
        ),
      );
      await say(new UserStoppedSpeaking());
      await secondHeard;
      await say(new UserStartedSpeaking());
      release.resolve();
      await bus.cleanup();

      expect(heard.map((e) => e.content)).toEqual(["First sentence. ", "Second sentence. "]);
      expect(closed).toBe(true);
      expect(node.conversationEvents).toEqual([
        new UserTranscriptionReceived({ content: "Tell me" }),
        new AgentResponse({ content: "First sentence. Second sentence. ", interrupted: true }),
      ]);
    });

    it("records the chunk the user got when the generation is cancelled at its yield", async () => {
      // The interrupt comes while the chunk is being delivered (the user starts speaking over it):
      // the generator is closed at the `yield`, after the chunk reached the transport.
      const node = new ScriptNode(async function* () {
        yield "Heard. ";
        yield "Never sent.";
      });
      const { bus, heard, say } = setup(node);
      // Registered after the user's bridge: it hears the chunk, then the user speaks over it.
      const overSpeaker = new Bridge("over-speaker");
      const spokeOver = deferred();
      overSpeaker.on(AgentResponse).map(() => {
        void say(new UserStartedSpeaking());
        spokeOver.resolve();
      });
      bus.registerBridge("over-speaker", overSpeaker);
      await say(new UserStoppedSpeaking());
      await spokeOver.promise;
      await bus.cleanup();

      expect(heard.map((e) => e.content)).toEqual(["Heard. "]);
      expect(node.conversationEvents).toEqual([
        new AgentResponse({ content: "Heard. ", interrupted: true }),
      ]);
    });

    it("records nothing when the chunk was dropped before delivery", async () => {
      // The interrupt comes while the chunk waits in the bus's queue: it is never delivered.
      const node = new ScriptNode(async function* () {
        yield "Dropped.";
      });
      const { bus, heard, say } = setup(node);
      const sub = bus.messages$.subscribe((m) => {
        if (m.event instanceof UserStoppedSpeaking) void say(new UserStartedSpeaking());
      });
      await say(new UserStoppedSpeaking());
      await bus.cleanup();
      sub.unsubscribe();
      expect(heard).toEqual([]);
      expect(node.conversationEvents).toEqual([]);
    });

    it("records the chunk a direct caller got before it stopped", async () => {
      const node = new ScriptNode(async function* () {
        yield "One. ";
        yield "Two.";
      });
      for await (const event of node.generate()) {
        expect(event).toEqual(new AgentResponse({ content: "One. " }));
        break;
      }
      expect(node.conversationEvents).toEqual([
        new AgentResponse({ content: "One. ", interrupted: true }),
      ]);
    });

    it("closes every tool call left without a result, and a late result replaces the placeholder", async () => {
      const toolStarted = deferred();
      const node = new ScriptNode(async function* (context) {
        yield "Let me check.";
        yield new ToolCall({
          toolName: "get_weather",
          toolArgs: { city: "Paris" },
          toolCallId: "call_1",
        });
        toolStarted.resolve();
        await new Promise((_, reject) =>
          context.signal.addEventListener("abort", () => reject(context.signal.reason as Error)),
        );
      });
      const { bus, say } = setup(node);
      await say(new UserStoppedSpeaking());
      await toolStarted.promise;
      await say(new UserStartedSpeaking());
      await bus.cleanup();

      expect(node.conversationEvents).toEqual([
        new AgentResponse({ content: "Let me check.", interrupted: true }),
        new ToolCall({
          toolName: "get_weather",
          toolArgs: { city: "Paris" },
          toolCallId: "call_1",
        }),
        new ToolResult({
          toolName: "get_weather",
          toolArgs: { city: "Paris" },
          toolCallId: "call_1",
          error: "interrupted by the user before the tool finished",
          interrupted: true,
        }),
      ]);

      const late = new ToolResult({
        toolName: "get_weather",
        toolCallId: "call_1",
        result: { tempC: 21 },
      });
      node.addEvent(late);
      expect(node.conversationEvents).toHaveLength(3);
      expect(node.conversationEvents[2]).toBe(late);
      node.addEvent(late); // handed over twice (a registry callback and the node's own): kept once
      expect(node.conversationEvents).toHaveLength(3);
    });
  });

  describe('in concurrency("switch")', () => {
    it("records the switched-out turn as interrupted before the next generation starts", async () => {
      const turns: { seen: object[]; content: string }[] = [];
      const firstYielded = deferred();
      const node = new ScriptNode(async function* (context) {
        turns.push({ seen: [...context.events], content: `turn ${turns.length + 1}` });
        yield `turn ${turns.length}`;
        firstYielded.resolve();
        // A model stream that honours its signal, as OpenAIChat does.
        await new Promise((_resolve, reject) =>
          context.signal.addEventListener("abort", () => reject(context.signal.reason as Error)),
        );
      });
      const bus = new Bus();
      const agent = new Bridge(node);
      agent.conversation(node, { concurrency: "switch" });
      bus.registerBridge("agent", agent);
      await bus.start();
      const say = (event: object) => bus.broadcast(new Message({ source: "user", event }));
      await say(new UserStoppedSpeaking());
      await firstYielded.promise;
      await say(new UserStoppedSpeaking());
      while (turns.length < 2) await new Promise<void>((resolve) => setImmediate(resolve));
      // The second turn saw the first as the history holds it after its teardown: interrupted.
      expect(turns[1]!.seen).toEqual([new AgentResponse({ content: "turn 1", interrupted: true })]);
      await bus.close();
    });
  });

  describe("metrics", () => {
    it("logs through its bus's logger when it was given none", async () => {
      const logger = new SpyLogger();
      const node = new QuietNode({});
      new Bus({ logger }).registerBridge("agent", new Bridge(node));
      await collect(node.generate());
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          msg: "generation finished",
          fields: expect.objectContaining({ bridge: "agent", node: "agent" }) as unknown,
        }),
      );
    });

    it("logs a generation cancelled before its first chunk at debug only (no info line per interrupt)", async () => {
      const logger = new SpyLogger();
      class Waiting extends ReasoningNode {
        protected override async *processContext(ctx: ConversationContext) {
          await new Promise((_resolve, reject) =>
            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
          );
          yield "never";
        }
      }
      const node = new Waiting({ systemPrompt: "t", logger });
      const controller = new AbortController();
      const run = collect(node.generate(undefined, { signal: controller.signal }));
      controller.abort();
      await run.catch(() => undefined);
      const finished = logger.lines.filter((l) => l.msg === "generation finished");
      expect(finished.map((l) => l.level)).toEqual(["debug"]);
      // A generation that said something is worth an info line.
      await collect(new QuietNode({ logger }).generate());
      expect(logger.lines.filter((l) => l.msg === "generation finished").length).toBe(2);
    });

    it("publishes no LogMetric for a direct caller that stops at the completion, and all of them for one that stops early", async () => {
      const node = new ScriptNode(async function* () {
        yield "one ";
        yield "two";
      });
      const bus = new Bus();
      bus.registerBridge("agent", new Bridge(node));
      await bus.start();
      const published: LogMetric[] = [];
      bus.messages$.subscribe((m) => {
        if (m.event instanceof LogMetric) published.push(m.event);
      });

      for await (const event of node.generate()) {
        if (event instanceof AgentGenerationComplete) break; // it has the metrics
      }
      expect(published).toEqual([]);

      for await (const event of node.generate()) {
        if (event instanceof AgentResponse) break; // cut off after the first chunk
      }
      expect(published.map((m) => [m.name, m.value])).toEqual([
        [GENERATION_METRICS.ttfcMs, expect.any(Number)],
        [GENERATION_METRICS.durationMs, expect.any(Number)],
        [GENERATION_METRICS.chunkCount, 1],
        [GENERATION_METRICS.interrupted, 1],
      ]);
      await bus.close();
    });

    it("carries a completed generation's metrics on its completion, and publishes an interrupted one's as LogMetrics", async () => {
      const stuck = deferred();
      let calls = 0;
      const node = new ScriptNode(async function* () {
        calls++;
        yield "chunk";
        if (calls === 2) await stuck.promise;
      });
      const { bus, say } = setup(node);
      const metrics: LogMetric[] = [];
      bus.messages$.pipe(filter((m) => m.event instanceof LogMetric)).subscribe((m) => {
        expect(m.source).toBe("agent");
        metrics.push(m.event as LogMetric);
      });
      const firstDone = firstValueFrom(
        bus.messages$.pipe(filter((m) => m.event instanceof AgentGenerationComplete)),
      );
      await say(new UserStoppedSpeaking());
      const completion = (await firstDone).event as AgentGenerationComplete;
      expect(completion).toMatchObject({ chunkCount: 1, interrupted: false });
      expect(completion.ttfcMs).toBeGreaterThanOrEqual(0);
      expect(metrics).toEqual([]);
      const chunk = firstValueFrom(
        bus.messages$.pipe(filter((m) => m.event instanceof AgentResponse)),
      );
      await say(new UserStoppedSpeaking());
      await chunk;
      const interruptedMetric = firstValueFrom(
        bus.messages$.pipe(
          filter(
            (m) =>
              m.event instanceof LogMetric &&
              m.event.name === GENERATION_METRICS.interrupted &&
              m.event.value === 1,
          ),
        ),
      );
      await say(new UserStartedSpeaking());
      stuck.resolve();
      await interruptedMetric;
      await bus.cleanup();

      // Only the interrupted generation's, whose completion never went out.
      expect(metrics.map((m) => m.name)).toEqual([
        GENERATION_METRICS.ttfcMs,
        GENERATION_METRICS.durationMs,
        GENERATION_METRICS.chunkCount,
        GENERATION_METRICS.interrupted,
      ]);
      expect(metrics[0]!.value).toBeGreaterThanOrEqual(0);
      expect(metrics[2]!.value).toBe(1);
    });
  });
});
