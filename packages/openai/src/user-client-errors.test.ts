import { AgentError } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { OpenAIChat } from "./openai-chat.js";
import type { OpenAIChatClient } from "./openai-chat-client.js";
import { OpenAIChatNode } from "./openai-chat-node.js";

/** A user's own client whose errors are not this package's openai classes (another copy or major). */
function failingClient(error: Error): { client: OpenAIChatClient; calls: () => number } {
  let calls = 0;
  const client: OpenAIChatClient = {
    chat: {
      completions: {
        create: async () => {
          calls++;
          throw error;
        },
      },
    },
  };
  return { client, calls: () => calls };
}

function apiError(status: number, name: string): Error {
  return Object.assign(new Error(`${status} from the user's client`), {
    name,
    status,
    headers: new Headers(),
  });
}

describe("OpenAIChatNode with the user's own client", () => {
  it("does not retry a 401: one request, an auth AgentError, the spoken fallback", async () => {
    const { client, calls } = failingClient(apiError(401, "AuthenticationError"));
    const node = new OpenAIChatNode({
      systemPrompt: "x",
      llm: new OpenAIChat({ model: "m", client }),
      retryDelayMs: 1,
    });
    const events: object[] = [];
    for await (const event of node.generate()) events.push(event);
    expect(calls()).toBe(1);
    const failure = events.find((event) => event instanceof AgentError);
    expect(failure).toMatchObject({
      code: "LLM_ERROR",
      error: expect.stringMatching(/401/) as unknown,
    });
  });

  it("retries a 503 up to maxRetries", async () => {
    const { client, calls } = failingClient(apiError(503, "InternalServerError"));
    const node = new OpenAIChatNode({
      systemPrompt: "x",
      llm: new OpenAIChat({ model: "m", client }),
      retryDelayMs: 1,
      maxRetries: 2,
    });
    for await (const _event of node.generate()) void _event;
    expect(calls()).toBe(3);
  });
});
