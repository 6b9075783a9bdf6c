import { delay } from "@switchboard/core";
import type { ChatMessage } from "./chat-message.js";
import type { ChatChunk, ChatModel, ChatRequest, ChatToolCall } from "./chat-model.js";
import { abortError } from "./internal/abort-error.js";
import { toolNames } from "./internal/offered-tools.js";

/** Options of {@link ScriptedChat}. */
export interface ScriptedChatOptions {
  /** Pause before the first token, like a real model's time to first token. Default 350 ms. */
  firstTokenDelayMs?: number;
  /** Pause between tokens. Default 40 ms (about 25 tokens a second). */
  interTokenDelayMs?: number;
}

/** What the script decided to answer: text, then (optionally) tool calls. */
interface ScriptedReply {
  content: string;
  toolCalls?: Omit<ChatToolCall, "id">[];
}

const GREETING = /\b(hi|hello|hey|hiya|good (morning|afternoon|evening))\b/i;
const WEATHER = /\b(weather|temperature|forecast|rain(ing)?|sunny|snow(ing)?|cold|hot|warm)\b/i;
const FAREWELL = /\b(bye|goodbye|good-bye|hang up|that's all)\b/i;
const CITY = /\b(?:in|for|at)\s+([A-Z][\p{L}'-]*(?:\s+[A-Z][\p{L}'-]*)*)/u;

/** Splits text into word-sized tokens that keep their leading whitespace, like a real model's. */
function tokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "user") return message.content.trim();
  }
  return "";
}

/** The tool messages answering the last assistant message, with the name of the tool each answers. */
function latestToolResults(messages: readonly ChatMessage[]): { name: string; content: string }[] {
  const last = messages.at(-1);
  if (last?.role !== "tool") return [];
  let start = messages.length - 1;
  while (start > 0 && messages[start - 1]?.role === "tool") start--;
  const assistant = messages[start - 1];
  const calls = assistant?.role === "assistant" ? (assistant.tool_calls ?? []) : [];
  return messages.slice(start).flatMap((m) => {
    if (m.role !== "tool") return [];
    const call = calls.find((c) => c.id === m.tool_call_id);
    return [{ name: call?.function.name ?? "", content: m.content }];
  });
}

function describeWeather(content: string): string {
  if (content.startsWith("Error:")) return "Sorry, I couldn't get the weather just now.";
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return `Here's what I found: ${content}.`;
  }
  if (typeof data !== "object" || data === null) return `Here's what I found: ${content}.`;
  const w = data as Record<string, unknown>;
  const where = typeof w["city"] === "string" ? ` in ${w["city"]}` : "";
  const temp = typeof w["tempC"] === "number" ? `${w["tempC"]} degrees Celsius` : undefined;
  const conditions = typeof w["conditions"] === "string" ? w["conditions"] : undefined;
  const parts = [temp, conditions].filter((p) => p !== undefined).join(" and ");
  return parts === ""
    ? `Here's the weather${where}: ${content}.`
    : `It's ${parts}${where} right now.`;
}

/**
 * A built-in model with the same `chat()` as `OpenAIChat` that needs no key and no network, for
 * examples, demos and tests. It streams its reply token by token with realistic pacing, honours
 * `signal` at once (rejecting with an `AbortError`, as `OpenAIChat` does), and follows a small script on the last user message: a greeting gets a
 * greeting; the weather calls `get_weather` (when offered) and answers from its result on the
 * next round; "bye" says goodbye and calls `end_call` (when offered); anything else gets a
 * short echo a few sentences long, so there is time to interrupt it.
 * @example
 * const llm = new ScriptedChat({ firstTokenDelayMs: 0, interTokenDelayMs: 0 });
 * for await (const chunk of llm.chat({ messages: [{ role: "user", content: "Hello!" }] })) {
 *   process.stdout.write(chunk.content ?? "");
 * }
 */
export class ScriptedChat implements ChatModel {
  readonly model = "scripted";
  readonly #firstTokenDelayMs: number;
  readonly #interTokenDelayMs: number;
  #callIds = 0;

  constructor(options: ScriptedChatOptions = {}) {
    this.#firstTokenDelayMs = options.firstTokenDelayMs ?? 350;
    this.#interTokenDelayMs = options.interTokenDelayMs ?? 40;
    this.chat = this.chat.bind(this);
  }

  /** Streams the scripted reply to `request`; rejects with an `AbortError`, timers cleared, when `signal` aborts. */
  async *chat(request: ChatRequest): AsyncGenerator<ChatChunk, void, undefined> {
    const { signal } = request;
    const reply = this.#reply(request);
    const parts = tokens(reply.content);
    for (const [i, token] of parts.entries()) {
      // delay() rejects with the signal's AbortError: the stream rejects with it, as fetch does.
      await delay(i === 0 ? this.#firstTokenDelayMs : this.#interTokenDelayMs, { signal });
      yield { content: token };
    }
    if (parts.length === 0) await delay(this.#firstTokenDelayMs, { signal });
    if (signal?.aborted) throw abortError(signal);
    const toolCalls = reply.toolCalls?.map((call) => ({
      id: `call_scripted_${++this.#callIds}`,
      ...call,
    }));
    yield toolCalls && toolCalls.length > 0
      ? { toolCalls, finishReason: "tool_calls" }
      : { finishReason: "stop" };
  }

  #reply(request: ChatRequest): ScriptedReply {
    const offered = new Set(toolNames(request.tools));
    const results = latestToolResults(request.messages);
    if (results.length > 0) {
      return {
        content: results
          .map((r) => {
            if (r.name === "get_weather") return describeWeather(r.content);
            if (r.name === "end_call") return "";
            return r.content.startsWith("Error:") ? "Sorry, that didn't work." : "Done.";
          })
          .filter((text) => text !== "")
          .join(" "),
      };
    }

    const said = lastUserText(request.messages);
    if (FAREWELL.test(said)) {
      return {
        content: "Goodbye! Thanks for trying Switchboard.",
        ...(offered.has("end_call") && { toolCalls: [{ name: "end_call", arguments: "{}" }] }),
      };
    }
    if (WEATHER.test(said)) {
      if (!offered.has("get_weather")) {
        return {
          content:
            "I'd love to tell you about the weather, but I have no weather tool in this conversation.",
        };
      }
      const city = CITY.exec(said)?.[1] ?? "San Francisco";
      return {
        content: "Let me check the weather for you.",
        toolCalls: [{ name: "get_weather", arguments: JSON.stringify({ city }) }],
      };
    }
    if (GREETING.test(said)) {
      return {
        content:
          "Hello! I'm the Switchboard demo agent, running on an offline scripted model. " +
          "Ask me about the weather, or say goodbye to end the call.",
      };
    }
    if (said === "") return { content: "Hello? I didn't catch that. Could you say it again?" };
    return {
      content:
        `You said: "${said}". ` +
        "I'm a scripted model running offline, so I can only echo what I hear. " +
        "To talk to a real model, set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server. " +
        "Meanwhile, try interrupting me in the middle of a sentence: I'll stop talking right away.",
    };
  }
}
