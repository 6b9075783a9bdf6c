export * from "./fake-openai/index.js";
export * from "./harness-client/index.js";
export * from "./conversation-runner/index.js";
