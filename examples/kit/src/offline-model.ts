import { OpenAIChat, createChatModel, type ChatModel } from "@switchboard/openai";
import { FakeOpenAIServer, type FakeReply, type RecordedRequest } from "@switchboard/testing";

/** One message of a chat request, as the offline model reads it. */
export interface SeenMessage {
  role: string;
  content: string;
}

/** What an offline policy sees of a request: its messages and the names of the tools offered. */
export interface SeenRequest {
  messages: SeenMessage[];
  tools: string[];
  /** The system prompt (the first message's content when it is a system message). */
  system: string;
  /** The last user message. */
  lastUser: string;
  /** The tool results answering the last assistant message, newest last. */
  toolResults: string[];
}

/** Decides what the offline model answers; a starter's stand-in for a real model. */
export type OfflinePolicy = (request: SeenRequest) => FakeReply;

/** A model and what must be closed with it. */
export interface StarterModel {
  llm: ChatModel;
  close(): Promise<void>;
}

function seen(request: RecordedRequest): SeenRequest {
  const messages = (request.body?.messages ?? []).map((m) => {
    const { role, content } = m as { role?: unknown; content?: unknown };
    return { role: String(role), content: typeof content === "string" ? content : "" };
  });
  const tools = (request.body?.tools ?? []).map(
    (t) => (t as { function?: { name?: string } }).function?.name ?? "",
  );
  const toolResults: string[] = [];
  for (let i = messages.length - 1; i >= 0 && messages[i]?.role === "tool"; i--) {
    toolResults.unshift(messages[i]?.content ?? "");
  }
  return {
    messages,
    tools,
    system: messages[0]?.role === "system" ? messages[0].content : "",
    lastUser: messages.findLast((m) => m.role === "user")?.content ?? "",
    toolResults,
  };
}

/**
 * The model of a starter: the real one when `OPENAI_API_KEY`/`OPENAI_BASE_URL` is set, else the
 * real `openai` client against a FakeOpenAIServer on loopback that answers with `policy`.
 */
export async function starterModel(
  policy: OfflinePolicy,
  options: { tokenDelayMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<StarterModel> {
  const env = options.env ?? process.env;
  if (env["OPENAI_API_KEY"] || env["OPENAI_BASE_URL"]) {
    return { llm: createChatModel({ env }), close: async () => undefined };
  }
  const server = await FakeOpenAIServer.start({
    handler: (request) => policy(seen(request)),
    tokenDelayMs: options.tokenDelayMs ?? 0,
  });
  const llm = new OpenAIChat({ model: "offline", apiKey: "offline", baseURL: server.baseURL });
  return { llm, close: () => server.close() };
}
