import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import { createSlowToolApp, orderPolicy, STILL_CHECKING } from "./slow-tool-feedback.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Atoms pattern: intermediate feedback during slow tools", () => {
  it("says it is still checking while the tool runs, then streams the answer", async () => {
    model = await starterModel(orderPolicy, { env: {} });
    let finishLookup!: (status: string) => void;
    const lookup = () => new Promise<string>((resolve) => (finishLookup = resolve));
    const convo = await ConversationRunner.start(
      createSlowToolApp(model.llm, { lookup, fillerMs: 30, maxFillers: 1000 }),
    );
    const { client } = convo;
    try {
      const since = client.frames.length;
      await client.say("Where is order 4521?");
      // The warehouse answers only once the caller has heard "still checking" during the lookup.
      const call = await client.waitFor((f) => f.type === "tool_call", { since });
      await client.waitFor((f) => f.type === "message" && f.content === STILL_CHECKING, {
        since: client.frames.indexOf(call),
      });
      finishLookup("left the warehouse this morning");
      const reply = await client.reply();
      const said = reply.frames.flatMap((f) => {
        if (f.type === "message") return [f.content === STILL_CHECKING ? "[filler]" : f.content];
        if (f.type === "tool_call") return [f.result === undefined ? "[call]" : "[result]"];
        return [];
      });
      const during = said.slice(said.indexOf("[call]"), said.indexOf("[result]"));
      expect(during).toContain("[filler]");
      expect(reply.text).toMatch(/Order 4521 left the warehouse this morning\.$/);
    } finally {
      await convo.close();
    }
  });
});
