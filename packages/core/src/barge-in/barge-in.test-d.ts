import { describe, expectTypeOf, it } from "vitest";
import { Bridge, type ConversationalNode, type ConversationOptions } from "../bridge.js";
import { AgentResponse } from "../events.js";
import type { Message } from "../message.js";
import { BACKCHANNELS, type BackchannelLanguage } from "./backchannels.js";
import type { BargeInOptions, UninterruptibleMode } from "./barge-in-options.js";

declare const node: ConversationalNode;

describe("barge-in types", () => {
  it("takes a policy, a per-generation interruptible flag and an uninterruptible mode", () => {
    expectTypeOf<ConversationOptions["bargeIn"]>().toEqualTypeOf<BargeInOptions | undefined>();
    expectTypeOf<BargeInOptions>().toEqualTypeOf<{
      minWords?: number;
      backchannels?: readonly string[];
      falseInterruptionMs?: number;
    }>();
    expectTypeOf<ConversationOptions["interruptible"]>().toEqualTypeOf<
      boolean | ((message: Message) => boolean) | undefined
    >();
    expectTypeOf<UninterruptibleMode>().toEqualTypeOf<"defer" | "drop">();
    new Bridge(node).conversation(node, {
      bargeIn: { minWords: 2, backchannels: BACKCHANNELS.fr },
      onUninterruptible: "drop",
    });
    // @ts-expect-error -- the mode is "defer" or "drop"
    new Bridge(node).conversation(node, { onUninterruptible: "later" });
    // @ts-expect-error -- minWords is a number
    new Bridge(node).conversation(node, { bargeIn: { minWords: "two" } });
  });

  it("has built-in lists for en, es, de and fr", () => {
    expectTypeOf<BackchannelLanguage>().toEqualTypeOf<"en" | "es" | "de" | "fr">();
    expectTypeOf(BACKCHANNELS.de).toEqualTypeOf<readonly string[]>();
  });

  it("marks a chunk uninterruptible", () => {
    expectTypeOf(
      new AgentResponse({ content: "x", interruptible: false }).interruptible,
    ).toEqualTypeOf<boolean>();
  });
});
