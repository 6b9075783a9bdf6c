import { Authorize, Bridge, defineTool } from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { handoffTool, VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { z } from "zod";
import type { OfflinePolicy } from "@switchboard/examples-kit";

export const BANKING_GREETING = "Welcome to Switchboard Bank. How can I help you today?";

const CONCIERGE_PROMPT = `You are the concierge of Switchboard Bank on a phone call.
Greet, answer general questions, and hand account questions (balances, payments) to the banker
with transfer_to_banker. Say one short sentence before you transfer.`;

const BANKER_PROMPT = `You are the banker of Switchboard Bank on a phone call.
Answer account questions with get_balance. When the caller needs something else, hand the
call back with transfer_to_concierge.`;

/** A made-up ledger, so the example runs without a bank. */
const BALANCES = { checking: 1234.56, savings: 9870 } as const;

export const getBalance = defineTool({
  name: "get_balance",
  description: "The balance of one of the caller's accounts.",
  parameters: z.object({ account: z.enum(["checking", "savings"]) }),
  execute: async ({ account }) => ({ account, balance: BALANCES[account], currency: "USD" }),
});

/**
 * Line's personal-banking example: two agents on one bus. The concierge speaks first and hands
 * account questions to the banker with `transfer_to_banker`; the banker hands back with
 * `transfer_to_concierge`. The system makes the target the only speaker, and the new speaker picks
 * up the conversation the moment it is authorized.
 */
export function personalBanking(llm: ChatModel): CallHandler {
  return async (system) => {
    const concierge = new OpenAIChatNode({
      nodeId: "concierge",
      systemPrompt: CONCIERGE_PROMPT,
      llm,
      tools: [handoffTool("banker", { description: "Balances, payments and accounts." })],
      logger: system.log,
    });
    const banker = new OpenAIChatNode({
      nodeId: "banker",
      systemPrompt: BANKER_PROMPT,
      llm,
      tools: [getBalance, handoffTool("concierge", { description: "Anything else." })],
      logger: system.log,
    });
    for (const node of [concierge, banker]) {
      const bridge = new Bridge(node);
      // Both hear every turn (so either can take over); only the speaker answers it.
      bridge.conversation(node, { filter: () => system.speakingNodeId === node.id });
      // The agent that takes over answers the question that made the other one hand off.
      bridge
        .on(Authorize, { where: { agent: node.id } })
        .stream(node.generate)
        .broadcast();
      if (node === concierge) system.withSpeakingNode(node, bridge);
      else system.withNode(node, bridge);
    }
    await system.start();
    await system.sendInitialMessage(BANKING_GREETING);
    await system.waitForShutdown();
  };
}

export function createBankingApp(llm: ChatModel): VoiceAgentApp {
  return new VoiceAgentApp(personalBanking(llm));
}

const ACCOUNT = /\b(balance|account|checking|savings|payment)\b/i;

/** The offline stand-in for the model: just enough banking to show both handoffs. */
export const bankingPolicy: OfflinePolicy = ({ system, tools, lastUser: heard, toolResults }) => {
  // An agent that was not speaking hears the user's turns merged: answer the latest sentence.
  const lastUser = heard.split(/(?<=[.?!])\s+/).at(-1) ?? "";
  const banker = system.includes("banker of Switchboard Bank");
  if (toolResults.length > 0) {
    const result = toolResults.at(-1) ?? "";
    if (result.startsWith("Transferred")) return { content: "" };
    const { account, balance } = JSON.parse(result) as { account: string; balance: number };
    return { content: `Your ${account} balance is $${balance.toFixed(2)}.` };
  }
  if (!banker) {
    if (ACCOUNT.test(lastUser) && tools.includes("transfer_to_banker")) {
      return {
        content: "Let me connect you with our banker.",
        toolCalls: [{ name: "transfer_to_banker", arguments: { reason: "account question" } }],
      };
    }
    return { content: "I'm the concierge. I can help with general questions." };
  }
  if (!ACCOUNT.test(lastUser)) {
    return {
      content: "I'll hand you back to the concierge.",
      toolCalls: [
        { name: "transfer_to_concierge", arguments: { reason: "not an account question" } },
      ],
    };
  }
  const account = /savings/i.test(lastUser) ? "savings" : "checking";
  return { toolCalls: [{ name: "get_balance", arguments: { account } }] };
};
