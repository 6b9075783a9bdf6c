import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
} from "@opentelemetry/sdk-trace-base";
import { Bridge } from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

// Register the SDK before the app takes calls. Swap ConsoleSpanExporter for an OTLP exporter
// (@opentelemetry/exporter-trace-otlp-http) to send spans to Jaeger, Tempo, Honeycomb, Langfuse…
const provider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(new ConsoleSpanExporter())],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);

const app = new VoiceAgentApp(async (system) => {
  const node = new EchoNode({ systemPrompt: "Echo the user." });
  const bridge = new Bridge(node);
  bridge.conversation(node);
  system.withSpeakingNode(node, bridge);
});
await app.listen({ port: 8000 });

// On the way out, end the calls first (their spans end with them), then flush.
process.once("SIGTERM", () => {
  void app.close().then(() => provider.shutdown());
});
