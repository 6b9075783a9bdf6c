import { configError, createLogger, SwitchboardError, type Logger } from "@switchboard/core";
import { z } from "zod/v4";
import type { ChatModel } from "./chat-model.js";
import { OpenAIChat } from "./openai-chat.js";
import { ScriptedChat, type ScriptedChatOptions } from "./scripted-chat.js";

/** Options of {@link createChatModel}. */
export interface CreateChatModelOptions {
  /** Where to read `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_MODEL` and `NODE_ENV`. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Logs which model is in use. Default: pino at `LOG_LEVEL`. */
  logger?: Logger;
  /** Pacing of the scripted model, when it is the one chosen. */
  scripted?: ScriptedChatOptions;
  /**
   * Refuse the offline scripted model: without `OPENAI_API_KEY` or `OPENAI_BASE_URL`, throw.
   * Default: true when `NODE_ENV=production` or `SWITCHBOARD_REQUIRE_MODEL=1`.
   */
  requireModel?: boolean;
}

const baseUrl = z
  .url({ protocol: /^https?$/, error: "expected an http(s) URL such as http://localhost:11434/v1" })
  .refine((url) => /\/v\d+[a-z0-9]*(\/|$)/.test(new URL(url).pathname), {
    error: "expected the API's versioned path, e.g. http://localhost:11434/v1 (with /v1)",
  });

const openAIEnv = z.object({
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: baseUrl.optional(),
  OPENAI_MODEL: z.string().optional(),
  SWITCHBOARD_REQUIRE_MODEL: z
    .enum(["0", "1", "true", "false"], { error: 'expected "1", "true", "0" or "false"' })
    .optional(),
});

/**
 * The chat model the environment asks for: `OpenAIChat` when `OPENAI_API_KEY` or
 * `OPENAI_BASE_URL` is set (model `OPENAI_MODEL`, default `gpt-4o-mini`), else the offline
 * `ScriptedChat` — except in production (`NODE_ENV=production`, `SWITCHBOARD_REQUIRE_MODEL=1`
 * or `requireModel: true`), where a missing model is a startup error, never the demo persona.
 * Validates those variables once; a `CONFIG_ERROR` names each bad one. Logs which model is in use.
 * @example
 * const llm = createChatModel();
 * const node = new OpenAIChatNode({ systemPrompt: "You are a helpful voice agent.", llm });
 */
export function createChatModel(options: CreateChatModelOptions = {}): ChatModel {
  const env = options.env ?? process.env;
  const input = {
    OPENAI_API_KEY: env["OPENAI_API_KEY"] || undefined,
    OPENAI_BASE_URL: env["OPENAI_BASE_URL"] || undefined,
    OPENAI_MODEL: env["OPENAI_MODEL"] || undefined,
    SWITCHBOARD_REQUIRE_MODEL: env["SWITCHBOARD_REQUIRE_MODEL"] || undefined,
  };
  const parsed = openAIEnv.safeParse(input);
  if (!parsed.success) throw configError(parsed.error.issues, input);
  const { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: baseURL } = parsed.data;
  const required = parsed.data.SWITCHBOARD_REQUIRE_MODEL;
  const requireModel =
    options.requireModel ??
    (required === "1" || required === "true" || env["NODE_ENV"] === "production");
  const log = (options.logger ?? createLogger()).child({ component: "chat-model" });

  if (apiKey === undefined && baseURL === undefined) {
    if (requireModel) {
      throw new SwitchboardError(
        "CONFIG_ERROR",
        "No model configured: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (any OpenAI-compatible " +
          "server, e.g. http://localhost:11434/v1). The offline scripted model is refused in " +
          "production (NODE_ENV=production or SWITCHBOARD_REQUIRE_MODEL=1).",
      );
    }
    log.info(
      { model: "scripted" },
      "using the offline scripted model; set OPENAI_API_KEY or OPENAI_BASE_URL to use a real one",
    );
    return new ScriptedChat(options.scripted);
  }
  const model = parsed.data.OPENAI_MODEL ?? "gpt-4o-mini";
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
