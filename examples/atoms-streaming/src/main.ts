import { createChatModel, type ChatModel } from "@switchboard/openai";
import type { VoiceAgentApp } from "@switchboard/server";
import { measureChunking, type ChunkingStrategy } from "./patterns/chunking-strategies.js";
import { createChunkingApp } from "./patterns/chunking-strategies.js";
import { createParallelToolsApp, travelPolicy } from "./patterns/parallel-tools.js";
import { createSlowToolApp, orderPolicy } from "./patterns/slow-tool-feedback.js";
import { createTtfcApp } from "./patterns/time-to-first-chunk.js";
import { starterModel, type OfflinePolicy } from "@switchboard/examples-kit";

const [name = "time-to-first-chunk", arg] = process.argv.slice(2);

if (name === "measure-chunking") {
  // The latency each strategy adds, measured on the same answer (real model when configured).
  process.stdout.write("strategy   chunks  tokens held  first chunk\n");
  for (const strategy of ["word", "phrase", "sentence"] as const) {
    const m = await measureChunking(
      createChatModel(),
      strategy,
      arg ?? "Tell me, briefly, how a phone call reaches an agent.",
    );
    process.stdout.write(
      `${strategy.padEnd(10)} ${String(m.chunks.length).padStart(6)}  ${String(m.tokensHeld).padStart(11)}  ${m.ttfcMs?.toFixed(0) ?? "-"} ms\n`,
    );
  }
  process.exit(0);
}

const patterns: Record<string, { policy?: OfflinePolicy; app: (llm: ChatModel) => VoiceAgentApp }> =
  {
    "parallel-tools": { policy: travelPolicy, app: (llm) => createParallelToolsApp(llm) },
    "chunking-strategies": {
      app: (llm) => createChunkingApp(llm, (arg ?? "sentence") as ChunkingStrategy),
    },
    "slow-tool-feedback": { policy: orderPolicy, app: (llm) => createSlowToolApp(llm) },
    "time-to-first-chunk": { app: createTtfcApp },
  };
const pattern = patterns[name];
if (pattern === undefined) {
  process.stderr.write(
    `unknown pattern "${name}"; one of: measure-chunking, ${Object.keys(patterns).join(", ")}\n`,
  );
  process.exit(2);
}
const llm =
  pattern.policy === undefined
    ? createChatModel()
    : (await starterModel(pattern.policy, { tokenDelayMs: 30 })).llm;
const { url } = await pattern.app(llm).run();
process.stdout.write(`${name} listening on ${url}; talk to it with: npx -y pnpm@10 chat\n`);
