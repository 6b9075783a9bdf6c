import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import { createSalesApp, salesPolicy, type LeadExtractorNode } from "./sales.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Line starter: sales with leads", () => {
  it("extracts the lead in a background node while the agent talks, and never speaks for it", async () => {
    model = await starterModel(salesPolicy, { env: {} });
    const extractors: LeadExtractorNode[] = [];
    const convo = await ConversationRunner.start(createSalesApp(model.llm, extractors));
    const extractor = extractors[0]!;
    try {
      const first = extractor.nextUpdate();
      const reply = await convo.turn("Hi, I'm Grace from Acme");
      expect(reply.text).toMatch(/^Nice to meet you!/);
      expect(await first).toEqual({ name: "Grace", company: "Acme" });

      const second = extractor.nextUpdate();
      await convo.turn("We need call routing for 50 agents. Mail me at grace@acme.io");
      expect(await second).toEqual({
        name: "Grace",
        company: "Acme",
        email: "grace@acme.io",
        interest: "call routing for 50 agents",
      });
      // The extractor is not the speaker: nothing of it reaches the caller.
      const said = convo.client.frames.filter((f) => f.type === "message").map((f) => f.content);
      expect(said.join("")).not.toMatch(/"company"/);
    } finally {
      await convo.close();
    }
  });
});
