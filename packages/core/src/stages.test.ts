import { filter, firstValueFrom, map as rxMap, takeWhile, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import {
  AgentGenerationComplete,
  AgentResponse,
  LogMetric,
  UserStartedSpeaking,
  UserStoppedSpeaking,
} from "./events.js";
import { deferred } from "./internal/test-deferred.js";
import { Message } from "./message.js";
import type { ConversationContext } from "./nodes/conversation-context.js";
import { ReasoningNode } from "./nodes/reasoning-node.js";
import { bufferSentences } from "./operators/index.js";
import type { RouteBuilder } from "./route-builder.js";

/**
 * Replies with the chunks it is given, one by one; its metrics go out as `LogMetric`s too, so a
 * generation's bookkeeping is more than its completion.
 */
class ChunkNode extends ReasoningNode<AgentResponse> {
  constructor(
    private readonly chunks: string[],
    private readonly beforeEach: (i: number) => Promise<void> = () => Promise.resolve(),
  ) {
    super({ systemPrompt: "test", nodeId: "agent", metricEvents: "always" });
  }
  protected override async *processContext(_context: ConversationContext) {
    for (const [i, content] of this.chunks.entries()) {
      await this.beforeEach(i);
      yield new AgentResponse({ content });
    }
  }
}

type Route = RouteBuilder<Message<UserStoppedSpeaking>, UserStoppedSpeaking, "settings">;

/** A bus with the node's route built by `build`; `turn()` resolves with what the agent broadcast. */
async function setup(node: ChunkNode, build: (route: Route) => unknown) {
  const bus = new Bus();
  const agent = new Bridge(node);
  build(agent.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking));
  bus.registerBridge("agent", agent);
  await bus.start();
  const say = (event: object) => bus.broadcast(new Message({ source: "user", event }));
  const fromAgent = bus.messages$.pipe(
    filter((m) => m.source === "agent"),
    rxMap((m) => m.event),
  );
  const turn = async () => {
    const sent = firstValueFrom(
      fromAgent.pipe(
        takeWhile((e) => !(e instanceof AgentGenerationComplete), true),
        toArray(),
      ),
    );
    await say(new UserStoppedSpeaking());
    return sent;
  };
  return { bus, say, fromAgent, turn };
}

const kinds = (events: object[]) => events.map((e) => e.constructor.name);

describe("stages after .stream(node.generate) (issue 10, item 6)", () => {
  it("see only the content, in order; the bookkeeping passes them untouched, one completion last", async () => {
    const node = new ChunkNode(["  Hello   there. ", "Card 4111111111111111. "]);
    const seen: object[] = [];
    const { bus, turn } = await setup(node, (route) =>
      route
        .stream(node.generate)
        .stream(async function* clean(chunk: AgentResponse) {
          seen.push(chunk);
          yield new AgentResponse({ content: chunk.content.replace(/\s+/g, " ") });
        })
        .map((chunk) => {
          seen.push(chunk);
          return new AgentResponse({ content: chunk.content.toUpperCase() });
        })
        .filter((chunk) => {
          seen.push(chunk);
          return !/\d{8,}/.test(chunk.content);
        })
        .broadcast(),
    );
    const sent = await turn();
    await bus.cleanup();

    expect(seen.every((e) => e instanceof AgentResponse)).toBe(true);
    expect(seen).toHaveLength(6); // two chunks through three stages
    expect(sent.filter((e) => e instanceof AgentResponse).map((e) => e.content)).toEqual([
      " HELLO THERE. ",
    ]);
    // The metrics of the generation, then exactly one completion, last.
    expect(kinds(sent)).toEqual([
      "AgentResponse",
      ...sent.filter((e) => e instanceof LogMetric).map(() => "LogMetric"),
      "AgentGenerationComplete",
    ]);
    expect(sent.filter((e) => e instanceof LogMetric).length).toBeGreaterThan(0);
    // The node's history is what it yielded and its route delivered.
    expect(node.conversationEvents).toEqual([
      new AgentResponse({ content: "  Hello   there. Card 4111111111111111. " }),
    ]);
  });

  it("hand the bookkeeping to a stage that asks for all of it", async () => {
    const node = new ChunkNode(["Hi."]);
    const seen: string[] = [];
    const { bus, turn, fromAgent } = await setup(node, (route) =>
      route
        .stream(node.generate)
        .stream(
          function* (event) {
            seen.push(event.constructor.name);
            // Forwards everything but the metrics.
            if (!(event instanceof LogMetric)) yield event;
          },
          { all: true },
        )
        .broadcast(),
    );
    const all = firstValueFrom(fromAgent.pipe(toArray()));
    await turn();
    await bus.cleanup();
    expect(seen[0]).toBe("AgentResponse");
    expect(seen.at(-1)).toBe("AgentGenerationComplete");
    expect(seen).toContain("LogMetric");
    expect(kinds(await all)).toEqual(["AgentResponse", "AgentGenerationComplete"]);
  });

  it("hold the bookkeeping behind a .pipe() until its operators flushed", async () => {
    const node = new ChunkNode(["One sentence", " ends here. And a", " tail"]);
    const { bus, turn } = await setup(node, (route) =>
      route
        .stream(node.generate)
        .pipe(
          bufferSentences(),
          rxMap((chunk) => new AgentResponse({ content: chunk.content.toUpperCase() })),
        )
        .broadcast(),
    );
    const sent = await turn();
    await bus.cleanup();
    const texts = sent.filter((e) => e instanceof AgentResponse).map((e) => e.content);
    expect(texts.join("")).toBe("ONE SENTENCE ENDS HERE. AND A TAIL");
    expect(kinds(sent).at(-1)).toBe("AgentGenerationComplete");
    expect(kinds(sent).lastIndexOf("AgentResponse")).toBeLessThan(kinds(sent).indexOf("LogMetric"));
  });

  it("an interrupt mid-pipeline: nothing after it, no completion, history = what was delivered", async () => {
    const gate = deferred();
    const node = new ChunkNode(["First. ", "Second. ", "Third. "], (i) =>
      i === 2 ? gate.promise : Promise.resolve(),
    );
    const stageEntered = deferred();
    const { bus, say, fromAgent } = await setup(node, (route) =>
      route
        .stream(node.generate)
        .stream(async function* style(chunk: AgentResponse) {
          if (chunk.content === "Second. ") stageEntered.resolve();
          yield new AgentResponse({ content: `*${chunk.content.trim()}* ` });
        })
        .broadcast(),
    );
    const all = firstValueFrom(fromAgent.pipe(toArray()));
    await say(new UserStoppedSpeaking());
    await stageEntered.promise;
    await say(new UserStartedSpeaking());
    gate.resolve();
    await bus.cleanup();
    const sent = await all;
    const texts = sent.filter((e) => e instanceof AgentResponse).map((e) => e.content);
    expect(texts).toEqual(["*First.* ", "*Second.* "].slice(0, texts.length));
    expect(texts.length).toBeGreaterThan(0);
    expect(sent.some((e) => e instanceof AgentGenerationComplete)).toBe(false);
    // Each delivered chunk stands for one node chunk: the history holds exactly those.
    const delivered = ["First. ", "Second. "].slice(0, texts.length).join("");
    expect(node.conversationEvents).toEqual([
      new AgentResponse({ content: delivered, interrupted: true }),
    ]);
  });

  it("a route that did not stream still hands a LogMetric to its stages", async () => {
    const bus = new Bus();
    const bridge = new Bridge("metrics");
    const names: string[] = [];
    bridge
      .on(LogMetric)
      .map((m) => m.event)
      .map((metric) => names.push(metric.name));
    bus.registerBridge("metrics", bridge);
    await bus.start();
    await bus.broadcast(
      new Message({ source: "x", event: new LogMetric({ name: "n", value: 1 }) }),
    );
    await bus.cleanup();
    expect(names).toEqual(["n"]);
  });
});
