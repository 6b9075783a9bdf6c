import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import {
  createFormApp,
  FORM_GREETING,
  formPolicy,
  type FormFillingNode,
  type Reservation,
} from "./form-filling.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Line starter: form filling", () => {
  it("fills zod-typed fields turn by turn, and asks again for a value that fails the schema", async () => {
    model = await starterModel(formPolicy, { env: {} });
    const nodes: FormFillingNode[] = [];
    const convo = await ConversationRunner.start(createFormApp(model.llm, nodes));
    const node = nodes[0]!;
    try {
      expect(convo.greeting?.text).toBe(FORM_GREETING);
      expect((await convo.turn("My name is Ada Lovelace")).text).toBe(
        "How many people will be joining?",
      );
      expect(node.form).toEqual({ name: "Ada Lovelace" });
      expect((await convo.turn("We are 4 people")).text).toMatch(/What email/);

      const invalid = await convo.turn("It's ada-at-example");
      expect(invalid.text).toBe("Sorry, I didn't catch that.");
      const rejected = await convo.turn("ada@example");
      expect(rejected.text).toMatch(/^Sorry, that doesn't look right/);
      expect(
        rejected.frames.find((f) => f.type === "tool_call" && f.result !== undefined),
      ).toMatchObject({
        result: expect.stringMatching(/email/) as unknown,
      });
      expect(node.completed).toBeUndefined();

      expect((await convo.turn("ada@example.com")).text).toMatch(/table is booked/);
      expect(node.completed).toEqual({
        name: "Ada Lovelace",
        partySize: 4,
        email: "ada@example.com",
      });
      expectTypeOf(node.completed).toEqualTypeOf<Reservation | undefined>();
    } finally {
      await convo.close();
    }
  });
});
