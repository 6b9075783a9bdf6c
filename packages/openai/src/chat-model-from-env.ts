import { createLogger, type Logger } from "@switchboard/core";
import type { ChatModel } from "./chat-model.js";
import { OpenAIChat } from "./openai-chat.js";
import { ScriptedChat, type ScriptedChatOptions } from "./scripted-chat.js";

/** Options of {@link createChatModel}. */
export interface CreateChatModelOptions {
  /** Where to read `OPENAI_API_KEY`, `OPENAI_BASE_URL` and `OPENAI_MODEL`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Logs which model is in use. Default: pino at `LOG_LEVEL`. */
  logger?: Logger;
  /** Pacing of the scripted model, when it is the one chosen. */
  scripted?: ScriptedChatOptions;
}

/**
 * The chat model the environment asks for: `OpenAIChat` when `OPENAI_API_KEY` or
 * `OPENAI_BASE_URL` is set (model `OPENAI_MODEL`, default `gpt-4o-mini`), else the offline
 * `ScriptedChat`. Logs which one is in use.
 * @example
 * const llm = createChatModel();
 * const node = new OpenAIChatNode({ systemPrompt: "You are a helpful voice agent.", llm });
 */
export function createChatModel(options: CreateChatModelOptions = {}): ChatModel {
  const env = options.env ?? process.env;
  const log = (options.logger ?? createLogger()).child({ component: "chat-model" });
  const apiKey = env["OPENAI_API_KEY"] || undefined;
  const baseURL = env["OPENAI_BASE_URL"] || undefined;
  if (apiKey === undefined && baseURL === undefined) {
    log.info(
      { model: "scripted" },
      "using the offline scripted model; set OPENAI_API_KEY or OPENAI_BASE_URL to use a real one",
    );
    return new ScriptedChat(options.scripted);
  }
  const model = env["OPENAI_MODEL"] || "gpt-4o-mini";
  log.info(
    { model, baseURL: baseURL ?? "https://api.openai.com/v1" },
    "using an OpenAI-compatible model",
  );
  return new OpenAIChat({
    model,
    ...(apiKey !== undefined ? { apiKey } : { apiKey: "not-needed" }),
    ...(baseURL !== undefined && { baseURL }),
  });
}

/** Alias of {@link createChatModel}. */
export const chatModelFromEnv = createChatModel;
