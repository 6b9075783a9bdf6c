import type { ChatModel } from "@switchboard/openai";
import type { CallHandler } from "@switchboard/server";
import { exampleApp } from "./example-app.js";
import { basicStreaming } from "./patterns/basic-streaming.js";
import { bufferedStreaming } from "./patterns/buffered-streaming.js";
import { cachedStreaming } from "./patterns/cached-streaming.js";
import { chunkedValidation } from "./patterns/chunked-validation.js";
import { interruptionAware } from "./patterns/interruption-aware.js";
import { multiStagePipeline } from "./patterns/multi-stage-pipeline.js";
import { parallelStreaming } from "./patterns/parallel-streaming.js";
import { toolStreaming } from "./patterns/tool-streaming.js";

const patterns: Record<string, (llm: ChatModel) => CallHandler> = {
  "basic-streaming": basicStreaming,
  "chunked-validation": chunkedValidation,
  "multi-stage-pipeline": (llm) => multiStagePipeline(llm),
  "buffered-streaming": bufferedStreaming,
  "tool-streaming": toolStreaming,
  "interruption-aware": interruptionAware,
  "parallel-streaming": parallelStreaming,
  "cached-streaming": (llm) => cachedStreaming(llm),
};

const name = process.argv[2] ?? "basic-streaming";
const pattern = patterns[name];
if (pattern === undefined) {
  process.stderr.write(`unknown pattern "${name}"; one of: ${Object.keys(patterns).join(", ")}\n`);
  process.exit(2);
}
const { url } = await exampleApp(pattern).run();
process.stdout.write(`${name} listening on ${url}; talk to it with: npx -y pnpm@10 chat\n`);
