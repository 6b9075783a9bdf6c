import { isAbortError } from "@switchboard/core";
import { OpenAIChat } from "@switchboard/openai";
import { FakeOpenAIServer } from "@switchboard/testing";

const server = await FakeOpenAIServer.start({ tokenDelayMs: 5 }); // 127.0.0.1, a free port
const llm = new OpenAIChat({ model: "gpt-4o-mini", baseURL: server.baseURL, apiKey: "test" });

// Replies are used one per /v1/chat/completions request, in order.
server.enqueue(
  { content: "Hello there!" }, // split into word-sized tokens
  { content: ["Hel", "lo"], firstTokenDelayMs: 300 }, // chunks as given, after a pause
  {
    // Tool-call deltas as OpenAI streams them; arguments may be a string (even malformed JSON).
    toolCalls: [
      { name: "get_weather", arguments: { city: "Paris" } },
      { id: "call_oslo", name: "get_weather", arguments: '{"city":"Oslo"}', argumentFragments: 5 },
    ],
    toolCallOrder: "interleaved",
  },
  { error: { status: 429, headers: { "retry-after-ms": "10" } } }, // an HTTP error
  { content: "Cut off here, mid sentence", dropAfterChunks: 2 }, // the network drops
  { content: "Never finishes", stallAfterChunks: 1 }, // hangs until the client goes away
);

// Once the queue is empty, a handler decides (default: a fixed greeting).
server.respondWith((request) => ({
  content: `You sent ${request.body?.messages?.length} messages`,
}));

for await (const chunk of llm.chat({ messages: [{ role: "user", content: "Hi" }] })) {
  console.log(chunk.content, chunk.toolCalls, chunk.finishReason);
}

// Abort detection: did the client close request n's connection before the response ended?
const controller = new AbortController();
setTimeout(() => controller.abort(), 50);
const chunks = llm.chat({ messages: [{ role: "user", content: "Hi" }], signal: controller.signal });
try {
  for await (const chunk of chunks) console.log(chunk.content);
} catch (error) {
  if (!isAbortError(error)) throw error; // an abort rejects with an AbortError, as fetch does
}
const aborted = await server.waitForClientAbort(1, { timeoutMs: 1_000 });
console.log(aborted.chunksSent, server.abortedRequests.length, server.inFlight);

// Everything received, bodies parsed: assert on the messages and tools the agent sent.
console.log(server.chatRequests.map((r) => r.body?.messages));
await server.close();
