import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import { BANKING_GREETING, bankingPolicy, createBankingApp } from "./banking.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Line starter: personal banking with handoffs", () => {
  it("hands account questions to the banker, who answers from then on, and hands back", async () => {
    model = await starterModel(bankingPolicy, { env: {} });
    const convo = await ConversationRunner.start(createBankingApp(model.llm));
    try {
      expect(convo.greeting?.text).toBe(BANKING_GREETING);
      expect((await convo.turn("What are your opening hours?")).text).toMatch(/concierge/);

      // The concierge hands off; the banker picks up the same question in the same reply.
      const handoff = await convo.turn("What's my checking balance?");
      expect(handoff.text).toMatch(/^Let me connect you with our banker\./);
      expect(handoff.text).toMatch(/Your checking balance is \$1234\.56\.$/);
      const toolCalls = handoff.frames.flatMap((f) => (f.type === "tool_call" ? [f.name] : []));
      expect(toolCalls).toEqual(["transfer_to_banker", "get_balance", "get_balance"]);

      // Now the banker answers, not the concierge.
      const savings = await convo.turn("And my savings account?");
      expect(savings.text).toBe("Your savings balance is $9870.00.");

      // And hands back to the concierge for anything else.
      const back = await convo.turn("Can I ask something else?");
      expect(back.text).toMatch(/^I'll hand you back to the concierge\.I'm the concierge\./);
      expect((await convo.turn("Where is the nearest branch?")).text).toMatch(/^I'm the concierge/);
    } finally {
      await convo.close();
    }
  });
});
