import { ConversationRunner } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { starterModel, type StarterModel } from "@switchboard/examples-kit";
import { createParallelToolsApp, travelPolicy } from "./parallel-tools.js";

let model: StarterModel | undefined;
afterEach(async () => {
  await model?.close();
});

describe("Atoms pattern: streaming with tools", () => {
  it("runs the turn's tools in parallel, then streams the follow-up that uses both results", async () => {
    model = await starterModel(travelPolicy, { env: {} });
    // Each tool waits until the other has started: they can only finish if they run together.
    const started = new Set<string>();
    let bothStarted!: () => void;
    const together = new Promise<void>((resolve) => (bothStarted = resolve));
    const app = createParallelToolsApp(model.llm, {
      started: async (name) => {
        started.add(name);
        if (started.size === 2) bothStarted();
        await together;
      },
    });
    const convo = await ConversationRunner.start(app);
    try {
      const reply = await convo.turn(
        "Is my flight TP123 on time, and what's the weather in Lisbon?",
      );
      const results = reply.frames.filter((f) => f.type === "tool_call" && f.result !== undefined);
      expect(results.map((f) => (f.type === "tool_call" ? f.name : ""))).toEqual([
        "get_weather",
        "get_flight_status",
      ]);
      expect(reply.text).toMatch(/gate B12, and Lisbon is 18 degrees/);
      // The follow-up streams after both results, token by token.
      const lastResult = reply.frames.lastIndexOf(results.at(-1)!);
      const after = reply.frames.slice(lastResult).filter((f) => f.type === "message");
      expect(after.length).toBeGreaterThan(5);
    } finally {
      await convo.close();
    }
  });
});
