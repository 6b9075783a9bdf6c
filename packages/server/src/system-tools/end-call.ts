import { defineTool } from "@switchboard/core";
import { z } from "zod";
import { CallAction } from "./call-action.js";

/**
 * The system tool that hangs up: the session says `goodbye_message`, then broadcasts `EndCall`
 * (the client gets `message`, then `end_call`, and the socket closes).
 * @example new OpenAIChatNode({ systemPrompt, llm, tools: [endCall] })
 */
export const endCall = defineTool({
  name: "end_call",
  description:
    "End the call. Use it when the user says goodbye or the conversation is over. " +
    "Pass the last thing to say as goodbye_message; it is spoken before hanging up.",
  parameters: z.object({
    goodbye_message: z
      .string()
      .describe("What to say before hanging up, e.g. 'Thanks for calling, goodbye!'")
      .optional(),
  }),
  execute: ({ goodbye_message }) =>
    new CallAction("end_call", goodbye_message === undefined ? {} : { goodbye: goodbye_message }),
});
