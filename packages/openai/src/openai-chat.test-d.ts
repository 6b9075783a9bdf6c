import OpenAI from "openai";
import { describe, expectTypeOf, it } from "vitest";
import { OpenAIChat, type OpenAIChatClient, type OpenAIChatOptions } from "./index.js";

describe("OpenAIChat's client option", () => {
  it("takes the user's own openai client instance", () => {
    const client = new OpenAI({ apiKey: "test" });
    expectTypeOf(client).toExtend<OpenAIChatClient>();
    expectTypeOf({ model: "gpt-4o-mini", client }).toExtend<OpenAIChatOptions>();
    new OpenAIChat({ model: "gpt-4o-mini", client });
  });

  it("takes anything shaped like chat.completions.create that streams", () => {
    const wrapper: OpenAIChatClient = {
      chat: {
        completions: {
          create: async () => {
            const controller = new AbortController();
            return Object.assign(
              (async function* () {
                yield { choices: [{ delta: { content: "Hi" }, finish_reason: null }] };
              })(),
              { controller },
            );
          },
        },
      },
    };
    expectTypeOf(
      new OpenAIChat({ model: "m", client: wrapper }).client,
    ).toEqualTypeOf<OpenAIChatClient>();
  });

  it("refuses a client without chat.completions.create", () => {
    // @ts-expect-error not a chat-completions client
    new OpenAIChat({ model: "m", client: { chat: {} } });
  });
});
