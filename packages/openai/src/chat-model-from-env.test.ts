import { SwitchboardError, type Logger } from "@switchboard/core";
import { describe, expect, it } from "vitest";
import { createChatModel } from "./chat-model-from-env.js";
import { OpenAIChat } from "./openai-chat.js";
import { ScriptedChat } from "./scripted-chat.js";

const silent: Logger = { child: () => silent, debug() {}, info() {}, warn() {}, error() {} };

function configErrorOf(env: Record<string, string>, requireModel?: boolean): SwitchboardError {
  try {
    createChatModel({ env, logger: silent, ...(requireModel !== undefined && { requireModel }) });
  } catch (error) {
    if (error instanceof SwitchboardError) return error;
    throw error;
  }
  throw new Error("createChatModel accepted the environment");
}

describe("createChatModel in production", () => {
  it("refuses the scripted demo model under NODE_ENV=production, naming both variables", () => {
    const error = configErrorOf({ NODE_ENV: "production" });
    expect(error.code).toBe("CONFIG_ERROR");
    expect(error.message).toContain("OPENAI_API_KEY");
    expect(error.message).toContain("OPENAI_BASE_URL");
  });

  it("refuses it with SWITCHBOARD_REQUIRE_MODEL=1 or requireModel: true", () => {
    expect(configErrorOf({ SWITCHBOARD_REQUIRE_MODEL: "1" }).message).toMatch(
      /No model configured/,
    );
    expect(configErrorOf({}, true).message).toMatch(/No model configured/);
  });

  it("still uses the real model in production when one is configured", () => {
    const llm = createChatModel({
      env: { NODE_ENV: "production", OPENAI_API_KEY: "sk-test" },
      logger: silent,
    });
    expect(llm).toBeInstanceOf(OpenAIChat);
  });

  it("keeps the offline fallback outside production, and when requireModel: false", () => {
    expect(createChatModel({ env: {}, logger: silent })).toBeInstanceOf(ScriptedChat);
    expect(
      createChatModel({ env: { NODE_ENV: "production" }, logger: silent, requireModel: false }),
    ).toBeInstanceOf(ScriptedChat);
  });
});

describe("createChatModel's environment", () => {
  it("names OPENAI_BASE_URL without a scheme", () => {
    expect(configErrorOf({ OPENAI_BASE_URL: "localhost:11434/v1" }).message).toContain(
      'OPENAI_BASE_URL="localhost:11434/v1": expected an http(s) URL',
    );
  });

  it("names OPENAI_BASE_URL without the /v1 path", () => {
    expect(configErrorOf({ OPENAI_BASE_URL: "http://localhost:11434" }).message).toContain(
      'OPENAI_BASE_URL="http://localhost:11434": expected the API\'s versioned path',
    );
  });

  it("accepts versioned base URLs: /v1, /v1/, /v1beta/openai/", () => {
    for (const url of [
      "http://localhost:11434/v1",
      "https://api.example.com/openai/v1/",
      "https://x.dev/v1beta/openai/",
    ]) {
      expect(createChatModel({ env: { OPENAI_BASE_URL: url }, logger: silent })).toBeInstanceOf(
        OpenAIChat,
      );
    }
  });

  it("names SWITCHBOARD_REQUIRE_MODEL when it is not a flag", () => {
    expect(configErrorOf({ SWITCHBOARD_REQUIRE_MODEL: "yes" }).message).toContain(
      'SWITCHBOARD_REQUIRE_MODEL="yes"',
    );
  });
});
