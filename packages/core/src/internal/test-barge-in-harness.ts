import { Bridge, type ConversationOptions } from "../bridge.js";
import { Bus } from "../bus.js";
import {
  AgentGenerationComplete,
  AgentPaused,
  AgentResponse,
  AgentResumed,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "../events.js";
import { Message } from "../message.js";
import type { ConversationContext } from "../nodes/conversation-context.js";
import { ReasoningNode } from "../nodes/reasoning-node.js";
import { SpyLogger } from "./test-spy-logger.js";

/** Resolves after `ms` of the (fake) clock, or rejects with the signal's AbortError. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Lets every pending reaction run (setImmediate is never faked by these tests). */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A node that streams a script per turn, one chunk every `tickMs` of the clock. */
export class StreamingNode extends ReasoningNode {
  turns = 0;
  readonly finallyRan: string[] = [];
  constructor(
    readonly script: (turn: number) => readonly (string | AgentResponse)[],
    readonly tickMs = 10,
  ) {
    super({ systemPrompt: "test", nodeId: "agent", logger: new SpyLogger() });
  }
  protected override async *processContext(
    context: ConversationContext,
  ): AsyncIterable<string | AgentResponse> {
    const turn = this.turns++;
    try {
      for (const chunk of this.script(turn)) {
        await sleep(this.tickMs, context.signal);
        yield chunk;
      }
    } finally {
      this.finallyRan.push(`turn ${turn}`);
    }
  }
}

/** What the user bridge saw, in order. */
export type Seen =
  | { kind: "chunk"; content: string; generationId: string | undefined }
  | { kind: "paused" | "resumed" | "complete"; generationId: string | undefined };

/** A bus with the node's conversation and a user bridge recording what reaches the user. */
export async function bargeInHarness(node: StreamingNode, options: ConversationOptions) {
  const bus = new Bus({ logger: new SpyLogger() });
  const agent = new Bridge(node);
  agent.conversation(node, options);
  const seen: Seen[] = [];
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => {
    seen.push({ kind: "chunk", content: m.event.content, generationId: m.generationId });
  });
  user.on(AgentPaused).map((m) => seen.push({ kind: "paused", generationId: m.generationId }));
  user.on(AgentResumed).map((m) => seen.push({ kind: "resumed", generationId: m.generationId }));
  user
    .on(AgentGenerationComplete)
    .map((m) => seen.push({ kind: "complete", generationId: m.generationId }));
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  const send = async (event: object) => {
    await bus.broadcast(new Message({ source: "user", event }));
    await settle();
  };
  return {
    bus,
    seen,
    started: () => send(new UserStartedSpeaking()),
    stopped: () => send(new UserStoppedSpeaking()),
    said: (content: string) => send(new UserTranscriptionReceived({ content })),
    chunks: () =>
      seen.filter((s) => s.kind === "chunk").map((s) => (s as { content: string }).content),
  };
}
