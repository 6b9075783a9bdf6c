import {
  Bridge,
  bufferPhrases,
  bufferSentences,
  ReasoningNode,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type ConversationContext,
  type Logger,
} from "@switchboard/core";
import { contextToMessages, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { ConversationRunner } from "@switchboard/testing";
import { identity, type OperatorFunction } from "rxjs";

/** How the model's tokens are cut into the chunks the TTS gets. */
export type ChunkingStrategy = "word" | "phrase" | "sentence";

/**
 * The operator of each strategy. Word: every token as it comes (no added latency, choppy
 * prosody). Phrase: at a comma or other pause, at least 20 characters. Sentence: whole
 * sentences (the best prosody, the most added latency).
 */
export const CHUNKING: Record<ChunkingStrategy, () => OperatorFunction<object, object>> = {
  word: () => identity,
  phrase: () => bufferPhrases<object>({ minLength: 20 }),
  sentence: () => bufferSentences<object>(),
};

/** Streams the model's tokens as they come; the route decides how they are chunked. */
export class TokenNode extends ReasoningNode {
  readonly llm: ChatModel;

  constructor(options: { llm: ChatModel; logger?: Logger }) {
    super({
      nodeId: "agent",
      systemPrompt: "You are a helpful voice assistant.",
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    this.llm = options.llm;
  }

  protected override async *processContext(context: ConversationContext) {
    const messages = contextToMessages(context);
    for await (const chunk of this.llm.chat({ messages, signal: context.signal })) {
      if (chunk.content) yield chunk.content;
    }
  }
}

/** Atoms' chunking strategies: the same answer, cut by word, phrase or sentence. */
export function chunkedAgent(llm: ChatModel, strategy: ChunkingStrategy): CallHandler {
  return async (system) => {
    const node = new TokenNode({ llm, logger: system.log });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.on(UserTranscriptionReceived).map(node.addEvent);
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
      .stream(node.generate)
      .pipe(CHUNKING[strategy]())
      .broadcast();
    await system.start();
    await system.waitForShutdown();
  };
}

export function createChunkingApp(llm: ChatModel, strategy: ChunkingStrategy): VoiceAgentApp {
  return new VoiceAgentApp(chunkedAgent(llm, strategy));
}

/** What one strategy did to one answer: its chunks, and what it added before the first one. */
export interface ChunkingMeasurement {
  strategy: ChunkingStrategy;
  chunks: string[];
  /** Model tokens held back before the first chunk went out (0 for word chunking). */
  tokensHeld: number;
  /** From the end of the user's turn to the first chunk, as the client saw it. */
  ttfcMs: number | undefined;
}

/** Model tokens in `text`, split as the models here split them (a word with its leading space). */
export function countTokens(text: string): number {
  return text.match(/\s*\S+/g)?.length ?? 0;
}

/** Plays one turn through a real session with `strategy` and measures what it did. */
export async function measureChunking(
  llm: ChatModel,
  strategy: ChunkingStrategy,
  said: string,
): Promise<ChunkingMeasurement> {
  const convo = await ConversationRunner.start(createChunkingApp(llm, strategy), {
    greeting: false,
  });
  try {
    const reply = await convo.turn(said);
    const first = reply.chunks[0] ?? "";
    return {
      strategy,
      chunks: reply.chunks,
      tokensHeld: Math.max(0, countTokens(first) - 1),
      ttfcMs: reply.ttfcMs,
    };
  } finally {
    await convo.close();
  }
}
