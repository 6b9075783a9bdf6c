import { Bridge } from "@switchboard/core";
import { OpenAIChat, OpenAIChatNode } from "@switchboard/openai";
import { endCall } from "@switchboard/server";
import { getWeather } from "./weather-tool.js";

// OpenAI, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp) through baseURL.
const llm = new OpenAIChat({
  model: process.env["OPENAI_MODEL"] ?? "gpt-4o-mini",
  ...(process.env["OPENAI_BASE_URL"] !== undefined && { baseURL: process.env["OPENAI_BASE_URL"] }),
});

const node = new OpenAIChatNode({
  nodeId: "agent",
  systemPrompt: "You are a friendly voice assistant. Answer in one or two short sentences.",
  llm,
  tools: [getWeather, endCall], // a Tool[] or a ToolRegistry
  maxToolRounds: 5, // rounds of tool calls per reply; then the model is asked without tools
  toolTimeoutMs: 8_000, // per call; default the registry's 30 s
  fillerAfterMs: 1_200, // tools still running after this: say the filler (default 1500)
  fillerText: "One moment while I look that up.",
  fallbackText: "Sorry, I'm having trouble right now.", // spoken when the model fails
  maxRetries: 2, // before the first chunk, on 429, 5xx or connection errors
  retryDelayMs: 250, // doubles each retry; the server's retry-after wins (capped at 4 s)
  temperature: 0.3,
  messages: { interruptedSuffix: " [interrupted by the user]" },
});

new Bridge(node).conversation(node);
