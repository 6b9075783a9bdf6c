import { Bridge, defineTool, type Logger } from "@switchboard/core";
import { OpenAIChatNode, type ChatModel } from "@switchboard/openai";
import { VoiceAgentApp, type CallHandler } from "@switchboard/server";
import { z } from "zod";
import type { OfflinePolicy } from "@switchboard/examples-kit";

/** The form: every field typed and validated by zod, described for the model. */
export const Reservation = z.object({
  name: z.string().min(1).describe("The name the table is booked under"),
  partySize: z.number().int().min(1).max(12).describe("How many people, 1 to 12"),
  email: z.email().describe("Where the confirmation goes"),
});
export type Reservation = z.infer<typeof Reservation>;

const QUESTIONS: Record<keyof Reservation, string> = {
  name: "What name should I put the table under?",
  partySize: "How many people will be joining?",
  email: "What email should I send the confirmation to?",
};

export const FORM_GREETING = `Hi! Let's book your table. ${QUESTIONS.name}`;

/** The fields still missing, in the order they are asked. */
export function missingFields(form: Partial<Reservation>): (keyof Reservation)[] {
  return (Object.keys(QUESTIONS) as (keyof Reservation)[]).filter((key) => form[key] === undefined);
}

/**
 * Line's form-filling example: the model extracts the fields it hears, turn by turn, through one
 * tool whose parameters are the form's zod schema (every field optional). A value that fails the
 * schema comes back to the model as a tool error, and it asks again; the form is typed throughout.
 */
export class FormFillingNode extends OpenAIChatNode {
  readonly form: Partial<Reservation>;

  constructor(options: { llm: ChatModel; logger?: Logger }) {
    const form: Partial<Reservation> = {};
    const recordAnswers = defineTool({
      name: "record_answers",
      description: "Record the form fields the caller just gave, one or more at a time.",
      parameters: Reservation.partial(),
      execute: async (fields) => {
        Object.assign(form, fields);
        const missing = missingFields(form);
        return missing.length === 0 ? { complete: true } : { next: QUESTIONS[missing[0]!] };
      },
    });
    super({
      nodeId: "form",
      systemPrompt: `You book restaurant tables by phone. Ask one question at a time. Each time the
caller gives a field, call record_answers with it, then ask the question it returns. When the
form is complete, confirm the booking in one sentence.`,
      llm: options.llm,
      tools: [recordAnswers],
      ...(options.logger !== undefined && { logger: options.logger }),
    });
    this.form = form;
  }

  /** The whole form, once every field is valid. */
  get completed(): Reservation | undefined {
    const parsed = Reservation.safeParse(this.form);
    return parsed.success ? parsed.data : undefined;
  }
}

export function formFilling(llm: ChatModel, nodes: FormFillingNode[] = []): CallHandler {
  return async (system) => {
    const node = new FormFillingNode({ llm, logger: system.log });
    nodes.push(node);
    const bridge = new Bridge(node);
    system.withSpeakingNode(node, bridge);
    bridge.conversation(node);
    await system.start();
    await system.sendInitialMessage(FORM_GREETING);
    await system.waitForShutdown();
  };
}

export function createFormApp(llm: ChatModel, nodes?: FormFillingNode[]): VoiceAgentApp {
  return new VoiceAgentApp(formFilling(llm, nodes));
}

/** The offline stand-in for the model: picks fields out of what the caller said. */
export const formPolicy: OfflinePolicy = ({ lastUser, toolResults }) => {
  const result = toolResults.at(-1);
  if (result !== undefined) {
    if (result.startsWith("Error:"))
      return { content: "Sorry, that doesn't look right. Could you say it again?" };
    const { next } = JSON.parse(result) as { next?: string };
    return { content: next ?? "You're all set: your table is booked. See you soon!" };
  }
  const fields: Record<string, unknown> = {};
  const name = /(?:name is|I'm|I am)\s+([A-Z][\p{L}'-]+(?:\s+[A-Z][\p{L}'-]+)*)/u.exec(lastUser);
  if (name !== null) fields["name"] = name[1];
  const size = /\b(\d+)\s+(?:people|guests|persons|of us)\b/.exec(lastUser);
  if (size !== null) fields["partySize"] = Number(size[1]);
  const email = /\S+@\S+?(?=[.,!?]?(?:\s|$))/.exec(lastUser);
  if (email !== null) fields["email"] = email[0];
  if (Object.keys(fields).length === 0) return { content: "Sorry, I didn't catch that." };
  return { toolCalls: [{ name: "record_answers", arguments: fields }] };
};
