import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import { createStorytellerApp, MENU, storyPolicy } from "./storyteller.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Line starter: DTMF storyteller", () => {
  it("answers a key press with its tone, then the story; # repeats the menu", async () => {
    model = await starterModel(storyPolicy, { env: {} });
    const convo = await ConversationRunner.start(createStorytellerApp(model.llm));
    const { client } = convo;
    try {
      expect(convo.greeting?.text).toContain(MENU);

      await client.send({ type: "dtmf", button: "1" });
      const dragon = await client.reply();
      expect(dragon.frames[0]).toMatchObject({ type: "dtmf", button: "1" }); // DTMF out first
      expect(dragon.text).toMatch(/^Once there was a dragon/);

      await client.send({ type: "dtmf", button: "2" });
      expect((await client.reply()).text).toMatch(/robot .* moon/);

      await client.send({ type: "dtmf", button: "#" });
      const menu = await client.reply();
      expect(menu.text).toBe(MENU);
      expect(menu.frames.filter((f) => f.type === "dtmf")).toEqual([]);
    } finally {
      await convo.close();
    }
  });

  it("a key pressed mid-story interrupts it and starts the next", async () => {
    model = await starterModel(storyPolicy, { env: {}, tokenDelayMs: 20 });
    const convo = await ConversationRunner.start(createStorytellerApp(model.llm));
    const { client } = convo;
    try {
      const since = client.frames.length;
      await client.send({ type: "dtmf", button: "1" });
      await client.waitFor((f) => f.type === "message", { since });
      await client.send({ type: "dtmf", button: "2" }); // pressed while the dragon story plays
      const both = await client.reply();
      expect(both.frames.filter((f) => f.type === "dtmf")).toMatchObject([
        { button: "1" },
        { button: "2" },
      ]);
      expect(both.text).toMatch(/A small robot[^]*sky\.$/);
      expect(both.text).not.toMatch(/stars\./); // the dragon story was cut off
    } finally {
      await convo.close();
    }
  });
});
