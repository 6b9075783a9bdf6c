import { defineTool } from "@switchboard/core";
import { z } from "zod";
import { CallAction } from "./call-action.js";

/**
 * The system tool that plays keypad tones (for IVR menus): one `DTMFOutputEvent` per button,
 * sent to the client as `dtmf {button}` frames.
 * @example new OpenAIChatNode({ systemPrompt, llm, tools: [sendDtmf] })
 */
export const sendDtmf = defineTool({
  name: "send_dtmf",
  description:
    "Press keypad buttons, e.g. to navigate a phone menu. buttons: digits, * and #, in order.",
  parameters: z.object({
    buttons: z
      .string()
      .regex(/^[0-9*#A-D]{1,32}$/, "expected 1 to 32 of 0-9, *, #, A-D")
      .describe("e.g. '1' or '1234#'"),
  }),
  execute: ({ buttons }) => new CallAction("send_dtmf", { buttons }),
});
