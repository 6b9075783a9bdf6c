import { ConversationRunner } from "@switchboard/testing";
import { describe, expect, it } from "vitest";
import { createEchoApp, ECHO_GREETING } from "./echo.js";

describe("Line starter: echo", () => {
  it("greets, then says back every turn", async () => {
    const convo = await ConversationRunner.start(createEchoApp());
    try {
      expect(convo.greeting?.text).toBe(ECHO_GREETING);
      expect((await convo.turn("hello there")).text).toBe("You said: hello there");
      expect((await convo.turn("and again")).text).toBe("You said: and again");
      expect(convo.transcript.map((l) => l.speaker)).toEqual([
        "agent",
        "user",
        "agent",
        "user",
        "agent",
      ]);
    } finally {
      await convo.close();
    }
  });
});
