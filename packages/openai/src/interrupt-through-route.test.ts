import {
  AgentGenerationComplete,
  AgentResponse,
  Bridge,
  Bus,
  defineTool,
  GENERATION_METRICS,
  LogMetric,
  Message,
  ToolCall,
  ToolResult,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { FakeOpenAIServer } from "@switchboard/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAIChat } from "./openai-chat.js";
import { OpenAIChatNode, type OpenAIChatNodeOptions } from "./openai-chat-node.js";

function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

const LONG_ANSWER = Array.from({ length: 200 }, (_, i) => `word${i}`).join(" ");

describe("OpenAIChatNode on a route: bridge.on(UserStoppedSpeaking).interruptOn(UserStartedSpeaking)", () => {
  let server: FakeOpenAIServer;
  let bus: Bus;
  /** Everything the agent broadcast that reached the user's bridge. */
  let heard: Message[];
  let onHeard: (message: Message) => void;

  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
    bus = new Bus();
    heard = [];
    onHeard = () => undefined;
  });
  afterEach(async () => {
    await bus.cleanup();
    await server.close();
  });

  async function wire(options: Partial<OpenAIChatNodeOptions> = {}) {
    const node = new OpenAIChatNode({
      systemPrompt: "You are a weather agent.",
      llm: new OpenAIChat({ model: "gpt-4o-mini", apiKey: "test", baseURL: server.baseURL }),
      nodeId: "agent",
      ...options,
    });
    const agent = new Bridge(node);
    agent.on(UserTranscriptionReceived).map(node.addEvent);
    agent
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking)
      .stream(node.generate)
      .broadcast();
    const user = new Bridge("user");
    user.on("*", { source: "agent" }).map((message) => {
      heard.push(message);
      onHeard(message);
    });
    bus.registerBridge("agent", agent).registerBridge("user", user);
    await bus.start();
    return node;
  }

  const say = (event: object) => bus.broadcast(new Message({ source: "user", event }));
  /**
   * Resolves when a generation has ended: a completed one with its completion (which carries its
   * metrics), an interrupted one once it has fully torn down (its metrics are published after `finally`).
   */
  const generationEnded = (interrupted: 0 | 1) =>
    new Promise<void>((resolve) => {
      const subscription = bus.messages$.subscribe((m) => {
        const e = m.event;
        if (
          interrupted === 1
            ? e instanceof LogMetric && e.name === GENERATION_METRICS.interrupted && e.value === 1
            : e instanceof AgentGenerationComplete
        ) {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
  const heardUntil = (predicate: (message: Message) => boolean) => {
    const reached = gate();
    onHeard = (message) => {
      if (predicate(message)) reached.open();
    };
    return reached.promise;
  };

  it("mid-stream: closes the model's connection and no chunk after the interrupt reaches the user", async () => {
    server.enqueue({ content: LONG_ANSWER, tokenDelayMs: 2 });
    await wire();
    let chunks = 0;
    const threeChunks = heardUntil((m) => m.event instanceof AgentResponse && ++chunks === 3);
    await say(new UserTranscriptionReceived({ content: "Tell me everything." }));
    await say(new UserStoppedSpeaking());
    await threeChunks;

    const ended = generationEnded(1);
    const heardBeforeInterrupt = heard.length;
    await say(new UserStartedSpeaking());
    await expect(server.waitForClientAbort(0)).resolves.toMatchObject({ index: 0 });
    await ended;

    const agentMessages = heard.filter((m) => !(m.event instanceof LogMetric));
    expect(agentMessages).toHaveLength(heardBeforeInterrupt);
    expect(agentMessages.every((m) => m.event instanceof AgentResponse)).toBe(true);
    expect(heard.some((m) => m.event instanceof AgentGenerationComplete)).toBe(false);
    expect(new Set(agentMessages.map((m) => m.generationId)).size).toBe(1);
    expect(server.abortedRequests[0]!.chunksSent).toBeLessThan(LONG_ANSWER.split(" ").length);
  });

  it("mid-tool: aborts the running tool, sends no follow-up, and the next turn sees a closed tool call", async () => {
    server.enqueue({
      toolCalls: [{ id: "call_slow", name: "get_weather", arguments: { city: "Paris" } }],
    });
    const toolAborted = gate();
    const getWeather = defineTool({
      name: "get_weather",
      description: "Current weather for a city.",
      parameters: z.object({ city: z.string() }),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            toolAborted.open();
            reject(signal.reason as Error);
          });
        }),
    });
    const node = await wire({ tools: [getWeather], fillerAfterMs: 5 });
    const filler = heardUntil(
      (m) => m.event instanceof AgentResponse && m.event.content.startsWith("One moment"),
    );
    await say(new UserTranscriptionReceived({ content: "Weather in Paris?" }));
    await say(new UserStoppedSpeaking());
    await filler;

    const ended = generationEnded(1);
    const heardBeforeInterrupt = heard.length;
    await say(new UserStartedSpeaking());
    await toolAborted.promise;
    await ended;

    expect(heard.slice(0, heardBeforeInterrupt).map((m) => m.event.constructor)).toEqual([
      ToolCall,
      AgentResponse,
    ]);
    expect(heard.filter((m) => !(m.event instanceof LogMetric))).toHaveLength(heardBeforeInterrupt);
    expect(heard.some((m) => m.event instanceof ToolResult)).toBe(false);
    expect(server.chatRequests).toHaveLength(1);

    // The next turn's request carries the interrupted call together with its placeholder result.
    server.enqueue({ content: "Sure, what else?" });
    const answered = generationEnded(0);
    await say(new UserTranscriptionReceived({ content: "Never mind." }));
    await say(new UserStoppedSpeaking());
    await answered;
    const messages = server.requests[1]!.body!.messages as {
      role: string;
      tool_call_id?: string;
    }[];
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "user"]);
    expect(messages[3]!.tool_call_id).toBe("call_slow");
    expect(node.conversationEvents.at(-1)).toEqual(
      new AgentResponse({ content: "Sure, what else?" }),
    );
  });
});
