import {
  AgentResponse,
  Bridge,
  Bus,
  fillerAfter,
  mergeStreams,
  Message,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type ConversationContext,
  type Logger,
} from "@switchboard/core";
import { afterEach, describe, expect, it } from "vitest";
import type { ChatModel } from "./chat-model.js";
import { ScriptedChat } from "./scripted-chat.js";

/** A pino-compatible logger that keeps the lines above debug. */
function loudLines(): { logger: Logger; loud: { level: string; msg: string | undefined }[] } {
  const loud: { level: string; msg: string | undefined }[] = [];
  const logger: Logger = {
    child: () => logger,
    debug: () => undefined,
    info: () => undefined,
    warn: (_obj, msg) => loud.push({ level: "warn", msg }),
    error: (_obj, msg) => loud.push({ level: "error", msg }),
  };
  return { logger, loud };
}

/** The cached-streaming pattern of Line's guide: the answer is cached only once it is whole. */
class CachingNode extends ReasoningNode {
  readonly cache = new Map<string, string>();
  finallyRan = 0;
  constructor(
    readonly llm: ChatModel,
    readonly parallel = false,
  ) {
    super({ systemPrompt: "Answer.", nodeId: "agent" });
  }
  protected override async *processContext(context: ConversationContext) {
    const key = context.getLatestUserTranscriptMessage() ?? "";
    const messages = [{ role: "user" as const, content: key }];
    const { signal } = context;
    const streams = this.parallel
      ? mergeStreams(this.llm.chat({ messages, signal }), this.llm.chat({ messages, signal }))
      : this.llm.chat({ messages, signal });
    let answer = "";
    try {
      for await (const chunk of streams) {
        if (chunk.content === undefined) continue;
        answer += chunk.content;
        yield chunk.content;
      }
      this.cache.set(key, answer); // must never run for an interrupted answer
    } finally {
      this.finallyRan++;
    }
  }
}

const buses: Bus[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.cleanup()));
});

async function talk(node: CachingNode, options: { filler?: boolean } = {}) {
  const { logger, loud } = loudLines();
  const bus = new Bus({ logger });
  buses.push(bus);
  const agent = new Bridge(node);
  agent.on(UserTranscriptionReceived).map(node.addEvent);
  const route = agent
    .on(UserStoppedSpeaking)
    .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
    .stream(node.generate);
  if (options.filler === true) route.pipe(fillerAfter({ ms: 5, text: "Hmm." })).broadcast();
  else route.broadcast();
  const heard: string[] = [];
  let onHeard = (): void => undefined;
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => {
    heard.push(m.event.content);
    onHeard();
  });
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  const say = async (text: string) => {
    await bus.broadcast(
      new Message({ source: "user", event: new UserTranscriptionReceived({ content: text }) }),
    );
    await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
  };
  const heardChunks = (n: number) =>
    new Promise<void>((resolve) => {
      onHeard = () => {
        if (heard.length >= n) resolve();
      };
    });
  const interrupt = () =>
    bus.broadcast(new Message({ source: "user", event: new UserStartedSpeaking() }));
  return { bus, heard, loud, say, heardChunks, interrupt };
}

async function finallyOf(node: CachingNode, count: number): Promise<void> {
  while (node.finallyRan < count) await new Promise<void>((resolve) => setImmediate(resolve));
}

describe("an interrupt inside node code is an AbortError", () => {
  const slow = () => new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 10 });

  it("never runs the code after an interrupted `for await`: half an answer is not cached", async () => {
    const node = new CachingNode(slow());
    const convo = await talk(node);
    const twoChunks = convo.heardChunks(2);
    await convo.say("tell me a long story");
    await twoChunks;
    await convo.interrupt();
    await finallyOf(node, 1);
    expect(node.cache.size).toBe(0);
    expect(node.conversationEvents.at(-1)).toMatchObject({ interrupted: true });
    expect(convo.loud).toEqual([]); // a normal end: nothing logged above debug
  });

  it("caches a whole answer", async () => {
    const node = new CachingNode(new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 }));
    const convo = await talk(node);
    await convo.say("hello");
    await finallyOf(node, 1);
    expect(node.cache.get("hello")).toMatch(/^Hello!/);
    expect(convo.loud).toEqual([]);
  });

  it("mergeStreams: the interrupt rejects the merged stream and closes every input", async () => {
    const node = new CachingNode(slow(), true);
    const convo = await talk(node);
    const twoChunks = convo.heardChunks(2);
    await convo.say("tell me a long story");
    await twoChunks;
    await convo.interrupt();
    await finallyOf(node, 1);
    expect(node.cache.size).toBe(0);
    expect(convo.loud).toEqual([]);
  });

  it("fillerAfter: an interrupted generation behind the filler ends quietly, with no filler after it", async () => {
    const node = new CachingNode(new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 30 }));
    const convo = await talk(node, { filler: true });
    const twoChunks = convo.heardChunks(2);
    await convo.say("tell me a long story");
    await twoChunks;
    await convo.interrupt();
    const heardAtInterrupt = convo.heard.length;
    await finallyOf(node, 1);
    await new Promise((resolve) => setTimeout(resolve, 20)); // longer than the filler's 5 ms: none may come
    expect(convo.heard.length).toBe(heardAtInterrupt);
    expect(node.cache.size).toBe(0);
    expect(convo.loud).toEqual([]);
  });
});
