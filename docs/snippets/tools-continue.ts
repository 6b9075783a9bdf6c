import { ToolRegistry, defineTool } from "@switchboard/core";
import { OpenAIChatNode, ScriptedChat } from "@switchboard/openai";
import { z } from "zod";

// A booking must not be half-done because the user said "uh-huh": let it finish.
const bookTable = defineTool({
  name: "book_table",
  description: "Books a table at the restaurant.",
  parameters: z.object({ people: z.number().int().min(1), time: z.string() }),
  onInterrupt: "continue", // default "abort"
  execute: async ({ people, time }) => {
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a slow booking API
    return { confirmed: true, people, time };
  },
});

// When its generation is interrupted, execute() returns at once with an `interrupted`
// placeholder; the real result arrives later through onBackgroundResult. Handing it to
// node.addEvent replaces the placeholder in the history, so the next turn sees it.
const tools = new ToolRegistry([bookTable], {
  onBackgroundResult: (result) => node.addEvent(result),
});
const node = new OpenAIChatNode({
  systemPrompt: "You take restaurant bookings.",
  llm: new ScriptedChat(),
  tools,
});
