import {
  AgentResponse,
  Bridge,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  type Bus,
} from "@switchboard/core";
import type { ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { greetAndWait } from "../example-app.js";
import { StreamingChatNode } from "./basic-streaming.js";

/** Markdown a model writes that a voice must not read out. */
const MARKDOWN = /[*_#`]/g;
/** A card or account number: never spoken back. */
const LONG_NUMBER = /\d{8,}/;
/** What a withheld chunk is replaced with. */
export const WITHHELD = " [number withheld]";

/** Stage 1's rule: markdown removed, whitespace runs collapsed; an empty chunk is dropped. */
export function cleanText(text: string): string | undefined {
  const content = text.replace(MARKDOWN, "").replace(/\s+/g, " ");
  return content.trim() === "" ? undefined : content;
}

/** Stage 2's rule: symbols spelled out for the speech synthesizer. */
export function applyStyle(text: string): string {
  return text.replace(/%/g, " percent").replace(/&/g, "and");
}

/** Stage 3's rule: a chunk carrying a long number is replaced, never sent. */
export function validateOutput(text: string): string {
  return LONG_NUMBER.test(text) ? WITHHELD : text;
}

/** A reply's chunks as the user hears them: the three rules, in order, chunk by chunk. */
export function throughPipeline(chunks: readonly string[]): string {
  return chunks
    .map(cleanText)
    .filter((text) => text !== undefined)
    .map((text) => validateOutput(applyStyle(text)))
    .join("");
}

async function* clean(chunk: AgentResponse) {
  const content = cleanText(chunk.content);
  if (content !== undefined) yield new AgentResponse({ content });
}

async function* style(chunk: AgentResponse) {
  yield new AgentResponse({ content: applyStyle(chunk.content) });
}

async function* validate(chunk: AgentResponse) {
  yield new AgentResponse({ content: validateOutput(chunk.content) });
}

/** One call of the pattern, for its test: the node and the call's bus. */
export interface PipelineCall {
  node: StreamingChatNode;
  bus: Bus;
}

/**
 * Line's multi-stage pipeline: each chunk goes through clean → style → validate on its way out.
 * The node is basic streaming's, typed `ReasoningNode<AgentResponse>`, so each stage takes an
 * `AgentResponse` and sees nothing else: the generation's metrics and its
 * `AgentGenerationComplete` pass the stages untouched, so no stage forwards them by hand.
 */
export function multiStagePipeline(llm: ChatModel, calls: PipelineCall[] = []): CallHandler {
  return async (system) => {
    const node = new StreamingChatNode({ llm, logger: system.log });
    calls.push({ node, bus: system.bus });
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.on(UserTranscriptionReceived).map(node.addEvent);
    bridge
      .on(UserStoppedSpeaking)
      .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
      .stream(node.generate)
      .stream(clean)
      .stream(style)
      .stream(validate)
      .broadcast();
    await greetAndWait(system);
  };
}
