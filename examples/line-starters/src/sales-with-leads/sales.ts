import {
  Bridge,
  Node,
  registerEvent,
  UserTranscriptionReceived,
  type Logger,
  type Message,
  type RouteContext,
} from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { z } from "zod";
import type { OfflinePolicy } from "@switchboard/examples-kit";

/** What the sales team wants to know about a caller. */
export const Lead = z.object({
  name: z.string().optional(),
  company: z.string().optional(),
  email: z.email().optional(),
  interest: z.string().optional(),
});
export type Lead = z.infer<typeof Lead>;

/** Broadcast by the lead extractor whenever it learned something new. */
export class LeadUpdated {
  readonly lead: Lead;
  constructor(init: { lead: Lead }) {
    this.lead = init.lead;
  }
}
registerEvent("lead.updated", LeadUpdated);

const EXTRACT_PROMPT = `Extract lead details from the caller's words. Answer with one JSON object
with the keys name, company, email, interest; leave out what was not said.`;

/**
 * Line's sales-with-leads example: a background node on the same bus as the talking agent. It
 * hears every transcription, asks the model for the lead details in it (JSON, checked with zod)
 * and broadcasts `LeadUpdated` — while the agent answers, without delaying it or speaking.
 */
export class LeadExtractorNode extends Node {
  readonly llm: ChatModel;
  lead: Lead = {};
  readonly #waiters: ((lead: Lead) => void)[] = [];

  constructor(options: { llm: ChatModel; logger?: Logger }) {
    super({
      nodeId: "lead-extractor",
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    this.llm = options.llm;
    this.extract = this.extract.bind(this);
  }

  /** Extracts what one transcription says about the lead; yields `LeadUpdated` if it was news. */
  async *extract(
    message: Message<UserTranscriptionReceived>,
    ctx: RouteContext,
  ): AsyncGenerator<LeadUpdated> {
    const messages = [
      { role: "system" as const, content: EXTRACT_PROMPT },
      { role: "user" as const, content: message.event.content },
    ];
    let json = "";
    for await (const chunk of this.llm.chat({ messages, signal: ctx.signal })) {
      json += chunk.content ?? "";
    }
    const found = Lead.safeParse(parseJson(json));
    if (!found.success) {
      this.log.warn({ issues: found.error.issues.length }, "lead details did not validate");
      return;
    }
    const news = Object.entries(found.data).filter(
      ([key, value]) => value !== undefined && this.lead[key as keyof Lead] !== value,
    );
    if (news.length === 0) return;
    this.lead = { ...this.lead, ...Object.fromEntries(news) };
    for (const resolve of this.#waiters.splice(0)) resolve(this.lead);
    yield new LeadUpdated({ lead: this.lead });
  }

  /** Resolves at the next update of the lead. */
  nextUpdate(): Promise<Lead> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function salesWithLeads(llm: ChatModel, extractors: LeadExtractorNode[] = []): CallHandler {
  return async (system) => {
    const agent = new OpenAIChatNode({
      nodeId: "sales",
      systemPrompt: "You are a friendly sales rep for Switchboard. Learn what the caller needs.",
      llm,
      logger: system.log,
    });
    const agentBridge = new Bridge(agent);
    agentBridge.conversation(agent);
    system.withSpeakingNode(agent, agentBridge);

    const extractor = new LeadExtractorNode({ llm, logger: system.log });
    extractors.push(extractor);
    const leads = new Bridge(extractor);
    leads.on(UserTranscriptionReceived).stream(extractor.extract).broadcast();
    system.withNode(extractor, leads);

    await system.start();
    await system.sendInitialMessage("Hi, this is Switchboard sales. Who am I speaking with?");
    await system.waitForShutdown();
  };
}

export function createSalesApp(llm: ChatModel, extractors?: LeadExtractorNode[]): VoiceAgentApp {
  return new VoiceAgentApp(salesWithLeads(llm, extractors));
}

/** The offline stand-in for the model: a sales reply, or the lead details as JSON. */
export const salesPolicy: OfflinePolicy = ({ system, lastUser }) => {
  if (!system.startsWith("Extract lead details")) {
    return { content: "Nice to meet you! What would you like Switchboard to do for your team?" };
  }
  const lead: Record<string, string> = {};
  const name = /(?:I'm|I am|this is|name is)\s+([A-Z][\p{L}'-]+)/u.exec(lastUser);
  if (name?.[1] !== undefined) lead["name"] = name[1];
  const company = /\b(?:from|at|with)\s+([A-Z][\p{L}&'-]+)/u.exec(lastUser);
  if (company?.[1] !== undefined) lead["company"] = company[1];
  const email = /\S+@\S+?(?=[.,!?]?(?:\s|$))/.exec(lastUser);
  if (email !== null) lead["email"] = email[0];
  const interest = /\b(?:need|want|looking for)\s+([^.!?]+)/.exec(lastUser);
  if (interest?.[1] !== undefined) lead["interest"] = interest[1].trim();
  return { content: JSON.stringify(lead) };
};
