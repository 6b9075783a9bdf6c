import { defineTool } from "@switchboard/core";
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

// When its generation is interrupted, the history gets an `interrupted` placeholder result at
// once; OpenAIChatNode swaps in the real result when the booking finishes, so the next turn
// sees it. (With a ToolRegistry of your own, pass onBackgroundResult: node.addEvent.)
export const node = new OpenAIChatNode({
  systemPrompt: "You take restaurant bookings.",
  llm: new ScriptedChat(),
  tools: [bookTable],
});
