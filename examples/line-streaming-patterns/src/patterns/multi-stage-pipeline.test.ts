import { AgentResponse, UserTranscriptionReceived } from "@switchboard/core";
import { ScriptedChat } from "@switchboard/openai";
import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { exampleApp } from "../example-app.js";
import {
  WITHHELD,
  applyStyle,
  cleanText,
  multiStagePipeline,
  throughPipeline,
  validateOutput,
  type PipelineCall,
} from "./multi-stage-pipeline.js";

let convo: ConversationRunner | undefined;
afterEach(async () => {
  await convo?.close();
  convo = undefined;
});

/** The model's chunks (word-sized, with their leading whitespace: ScriptedChat's tokens). */
const tokens = (text: string) => text.match(/\s*\S+|\s+$/g) ?? [];

async function start(interTokenDelayMs: number) {
  const calls: PipelineCall[] = [];
  const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs });
  convo = await ConversationRunner.start(
    exampleApp((model) => multiStagePipeline(model, calls), { llm }),
  );
  return { convo, call: calls[0]! };
}

/** The agent's turn that answers the user's text containing `marker`. */
function answerTo(history: object[], marker: RegExp): AgentResponse {
  const asked = history.findIndex(
    (e) => e instanceof UserTranscriptionReceived && marker.test(e.content),
  );
  const answer = history[asked + 1];
  expect(answer).toBeInstanceOf(AgentResponse);
  return answer as AgentResponse;
}

describe("Line pattern: multi-stage pipeline (clean → style → validate)", () => {
  it("runs each chunk through the three stages, in order", () => {
    expect(cleanText(" **bold**")).toBe(" bold");
    expect(cleanText(" **")).toBeUndefined(); // dropped
    expect(applyStyle(" 100%")).toBe(" 100 percent");
    expect(validateOutput(" 4111111111111111.")).toBe(WITHHELD); // replaced
  });

  it("delivers every chunk cleaned, styled and validated; the history is what was delivered", async () => {
    const { convo, call } = await start(0);
    const reply = await convo.turn("Card **4111111111111111** & 100% of **it**");

    // Clean removed the markdown, style spelled the symbols out, validate withheld the number.
    expect(reply.text).toContain(`You said: "Card${WITHHELD} and 100 percent of it".`);
    expect(reply.text).not.toMatch(/[*%&]|\d{8}/);
    // The route's stages, in order.
    const agent = call.bus.describe().bridges.find((b) => b.name === "agent");
    const route = agent?.routes.find((r) => r.trigger === "UserStoppedSpeaking");
    expect(route?.steps.map((s) => s.name ?? s.kind)).toEqual([
      "bound generate",
      "clean",
      "style",
      "validate",
      "broadcast",
    ]);
    // One completion, last: no stage had to forward it.
    expect(reply.endedBy).toBe("generation_complete");
    expect(
      reply.frames.filter((f) => f.type === "log_event" && f.event === "generation_complete"),
    ).toHaveLength(1);
    // The node's history holds what its model said; through the stages it is what the user got.
    const answer = answerTo(call.node.conversationEvents, /^Card/);
    expect(throughPipeline(tokens(answer.content))).toBe(reply.text);
  });

  it("an interrupt mid-pipeline leaves no stale chunk: the history is exactly what was delivered", async () => {
    const { convo, call } = await start(15);
    const since = convo.client.frames.length;
    await convo.client.say("Tell me a long story about pipelines & stages");
    const first = await convo.client.waitFor((f) => f.type === "message", { since });
    await convo.client.interrupt();
    const next = await convo.turn("Hello!");
    expect(next.text).toMatch(/^Hello!/);

    const generationId = (first as { generation_id?: string }).generation_id;
    expect(generationId).toBeDefined();
    const ofInterrupted = convo.client.frames.filter(
      (f) => (f as { generation_id?: string }).generation_id === generationId,
    );
    // No completion for the interrupted generation, and nothing after it was cut.
    expect(
      ofInterrupted.some((f) => f.type === "log_event" && f.event === "generation_complete"),
    ).toBe(false);
    const delivered = ofInterrupted.map((f) => (f.type === "message" ? f.content : "")).join("");
    const answer = answerTo(call.node.conversationEvents, /pipelines/);
    expect(answer.interrupted).toBe(true);
    expect(throughPipeline(tokens(answer.content))).toBe(delivered);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered).not.toContain("&");
  });
});
