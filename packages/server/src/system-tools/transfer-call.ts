import { defineTool } from "@switchboard/core";
import { z } from "zod";
import { CallAction } from "./call-action.js";

/**
 * The system tool that transfers the call to a phone number: the session broadcasts
 * `TransferCall` (the client gets `transfer {target_phone_number}`), waits `timeoutS`, then ends.
 * @example new OpenAIChatNode({ systemPrompt, llm, tools: [transferCall] })
 */
export const transferCall = defineTool({
  name: "transfer_call",
  description:
    "Transfer the call to a human or another phone line. Only use a number you were given.",
  parameters: z.object({
    target_phone_number: z
      .string()
      .regex(/^\+?[0-9]{3,15}$/, "expected a phone number in E.164 form, e.g. +15551234567")
      .describe("The number to transfer to, in E.164 form, e.g. +15551234567"),
  }),
  execute: ({ target_phone_number }) =>
    new CallAction("transfer_call", { targetPhoneNumber: target_phone_number }),
});
