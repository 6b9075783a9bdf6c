import { defineTool, type Tool } from "@switchboard/core";
import { z } from "zod";
import { HANDOFF_TOOL_PREFIX } from "../handoff-tool-prefix.js";

/**
 * A tool named `transfer_to_<agent>`: when the model calls it, the `VoiceAgentSystem` makes the
 * node with id `agent` the one that speaks to the user (it broadcasts `Authorize({ agent })`).
 * @example
 * const toBilling = handoffTool("billing", { description: "Questions about invoices and payments." });
 * new OpenAIChatNode({ systemPrompt, llm, tools: [toBilling] });
 */
export function handoffTool(
  agent: string,
  options: { description?: string } = {},
): Tool<{ reason?: string | undefined }, string> {
  return defineTool({
    name: `${HANDOFF_TOOL_PREFIX}${agent}`,
    description: `Hand the conversation to the ${agent} agent.${options.description ? ` ${options.description}` : ""}`,
    parameters: z.object({
      reason: z.string().describe("Why the user needs this agent").optional(),
    }),
    execute: () => `Transferred to ${agent}.`,
  });
}
