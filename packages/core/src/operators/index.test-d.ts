import { of } from "rxjs";
import { describe, expectTypeOf, it } from "vitest";
import { Bridge } from "../bridge.js";
import type { ToolCall } from "../events.js";
import { AgentResponse, UserStoppedSpeaking } from "../events.js";
import type { RouteBuilder } from "../route-builder.js";
import { bufferPhrases, bufferSentences, bufferSize, fillerAfter, mergeStreams } from "./index.js";

async function* words(): AsyncGenerator<string> {
  yield "Hi.";
}
async function* events(): AsyncGenerator<AgentResponse | ToolCall> {
  yield new AgentResponse({ content: "Hi." });
}

describe("operators types", () => {
  it("turn strings into AgentResponse", () => {
    of("a", "b")
      .pipe(bufferSentences())
      .subscribe((value) => expectTypeOf(value).toEqualTypeOf<AgentResponse>());
  });

  it("keep non-text event types in the output", () => {
    of<AgentResponse | ToolCall>()
      .pipe(bufferPhrases(), bufferSize(), fillerAfter())
      .subscribe((value) => expectTypeOf(value).toEqualTypeOf<AgentResponse | ToolCall>());
  });

  it("fit a route's .pipe() so .broadcast() still type-checks", () => {
    const bridge = new Bridge("agent");
    const sentences = bridge.on(UserStoppedSpeaking).stream(words).pipe(bufferSentences());
    expectTypeOf(sentences).toEqualTypeOf<RouteBuilder<AgentResponse, UserStoppedSpeaking>>();
    sentences.broadcast();
    const mixed = bridge
      .on(UserStoppedSpeaking)
      .stream(events)
      .pipe(bufferSentences(), fillerAfter());
    expectTypeOf(mixed).toEqualTypeOf<
      RouteBuilder<AgentResponse | ToolCall, UserStoppedSpeaking>
    >();
    mixed.broadcast();
  });

  it("mergeStreams yields the union of its inputs' values", () => {
    const merged = mergeStreams(words(), [1, 2], events());
    expectTypeOf(merged).toExtend<AsyncIterable<string | number | AgentResponse | ToolCall>>();
    expectTypeOf<Awaited<ReturnType<typeof merged.next>>>().toExtend<
      IteratorResult<string | number | AgentResponse | ToolCall, undefined>
    >();
  });

  it("rejects options of the wrong type", () => {
    // @ts-expect-error minLength is a number
    bufferPhrases({ minLength: "20" });
    // @ts-expect-error size is a number
    bufferSize({ size: "50" });
  });
});
