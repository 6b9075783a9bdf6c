import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAIServer } from "./fake-openai-server.js";

interface ChunkJson {
  object: string;
  choices: { index: number; delta: Record<string, unknown>; finish_reason: string | null }[];
  usage?: { total_tokens: number };
}

function chat(server: FakeOpenAIServer, body: object, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test" },
    body: JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      ...body,
    }),
    ...init,
  });
}

/** Parses an SSE body into its `data:` payloads. */
function sseData(text: string): string[] {
  return text
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => block.slice("data: ".length));
}

function chunksOf(text: string): ChunkJson[] {
  const data = sseData(text);
  expect(data.at(-1)).toBe("[DONE]");
  return data.slice(0, -1).map((d) => JSON.parse(d) as ChunkJson);
}

describe("FakeOpenAIServer", () => {
  let server: FakeOpenAIServer;
  beforeEach(async () => {
    server = await FakeOpenAIServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  describe("lifecycle", () => {
    it("listens on 127.0.0.1 on a free port and exposes url and baseURL", () => {
      expect(server.state).toBe("listening");
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(server.baseURL).toBe(`${server.url}/v1`);
    });

    it("start() and close() are idempotent", async () => {
      await server.start();
      const port = server.port;
      await server.start();
      expect(server.port).toBe(port);
      await Promise.all([server.close(), server.close()]);
      expect(server.state).toBe("closed");
      await server.close();
      await expect(server.start()).rejects.toThrow(/closed/);
    });

    it("closes on `await using` (Symbol.asyncDispose)", async () => {
      const own = await FakeOpenAIServer.start();
      {
        await using disposable = own;
        expect(disposable.state).toBe("listening");
      }
      expect(own.state).toBe("closed");
      await expect(fetch(`${own.baseURL}/models`)).rejects.toThrow();
    });

    it("close() ends a stalled stream without counting it as a client abort", async () => {
      server.enqueue({ content: "never finishes", stallAfterChunks: 1 });
      const response = await chat(server, { stream: true });
      const reader = response.body!.getReader();
      await reader.read();
      await server.close();
      await expect(async () => {
        for (;;) if ((await reader.read()).done) break;
      }).rejects.toThrow();
      expect(server.abortedRequests).toEqual([]);
      expect(server.inFlight).toBe(0);
    });
  });

  describe("streaming", () => {
    it("streams a role delta, content deltas, finish_reason and [DONE]", async () => {
      server.enqueue({ content: "Hello there, friend." });
      const response = await chat(server, { stream: true });
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      const chunks = chunksOf(await response.text());
      expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
      expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: "assistant", content: "" });
      const content = chunks
        .map((c) => (c.choices[0]!.delta["content"] as string | null | undefined) ?? "")
        .join("");
      expect(content).toBe("Hello there, friend.");
      expect(chunks.filter((c) => typeof c.choices[0]!.delta["content"] === "string").length).toBe(
        4,
      );
      expect(chunks.at(-1)!.choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    });

    it("streams explicit chunks as given", async () => {
      server.enqueue({ content: ["He", "llo", "!"] });
      const chunks = chunksOf(await (await chat(server, { stream: true })).text());
      expect(chunks.slice(1, 4).map((c) => c.choices[0]!.delta["content"])).toEqual([
        "He",
        "llo",
        "!",
      ]);
    });

    it("splits a tool call into a header (index, id, name) and argument fragments", async () => {
      server.enqueue({
        toolCalls: [
          { id: "call_1", name: "get_weather", arguments: { city: "Paris" }, argumentFragments: 4 },
        ],
      });
      const chunks = chunksOf(await (await chat(server, { stream: true })).text());
      const deltas = chunks.flatMap(
        (c) => (c.choices[0]?.delta["tool_calls"] as object[] | undefined) ?? [],
      );
      expect(deltas[0]).toEqual({
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      });
      const fragments = deltas.slice(1) as { index: number; function: { arguments: string } }[];
      expect(fragments).toHaveLength(4);
      expect(fragments.every((f) => f.index === 0 && !("id" in f))).toBe(true);
      expect(fragments.map((f) => f.function.arguments).join("")).toBe('{"city":"Paris"}');
      expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe("tool_calls");
    });

    it("gives parallel tool calls distinct indexes, sequential or interleaved", async () => {
      for (const toolCallOrder of ["sequential", "interleaved"] as const) {
        server.enqueue({
          toolCallOrder,
          toolCalls: [
            { name: "a", arguments: { x: 1 } },
            { name: "b", arguments: "{}" },
          ],
        });
        const chunks = chunksOf(await (await chat(server, { stream: true })).text());
        const deltas = chunks.flatMap(
          (c) =>
            (c.choices[0]?.delta["tool_calls"] as { index: number; id?: string }[] | undefined) ??
            [],
        );
        const headers = deltas.filter((d) => d.id !== undefined);
        expect(headers.map((d) => d.index)).toEqual([0, 1]);
        expect(new Set(headers.map((d) => d.id)).size).toBe(2);
        if (toolCallOrder === "interleaved") expect(deltas.slice(0, 2)).toEqual(headers);
      }
    });

    it("adds a usage chunk when stream_options.include_usage is set", async () => {
      server.enqueue({ content: "Hi" });
      const chunks = chunksOf(
        await (
          await chat(server, { stream: true, stream_options: { include_usage: true } })
        ).text(),
      );
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: { total_tokens: expect.any(Number) },
      });
    });
  });

  describe("non-streaming", () => {
    it("answers with a chat.completion body", async () => {
      server.enqueue({
        content: "Hi there.",
        toolCalls: [{ id: "call_x", name: "t", arguments: "{}" }],
      });
      const body = (await (await chat(server, {})).json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        object: "chat.completion",
        choices: [
          {
            index: 0,
            finish_reason: "tool_calls",
            message: {
              role: "assistant",
              content: "Hi there.",
              tool_calls: [
                { id: "call_x", type: "function", function: { name: "t", arguments: "{}" } },
              ],
            },
          },
        ],
      });
    });
  });

  describe("scripting and records", () => {
    it("uses queued replies first, then the handler, and records parsed request bodies", async () => {
      server.enqueue({ content: "queued" });
      server.respondWith((request) => ({ content: `model was ${String(request.body?.model)}` }));
      const first = (await (await chat(server, {})).json()) as {
        choices: { message: { content: string } }[];
      };
      const second = (await (await chat(server, { model: "m2" })).json()) as typeof first;
      expect(first.choices[0]!.message.content).toBe("queued");
      expect(second.choices[0]!.message.content).toBe("model was m2");
      expect(server.requests.map((r) => r.body?.model)).toEqual(["gpt-4o-mini", "m2"]);
      expect(server.requests[1]).toMatchObject({
        index: 1,
        method: "POST",
        path: "/v1/chat/completions",
      });
      expect(server.requests[0]!.body?.messages).toEqual([{ role: "user", content: "hi" }]);
    });

    it("resolves waitForRequest when the request arrives", async () => {
      const waiting = server.waitForRequest(0);
      await chat(server, {});
      await expect(waiting).resolves.toMatchObject({ index: 0 });
    });

    it("lists models", async () => {
      const list = (await (await fetch(`${server.baseURL}/models`)).json()) as {
        data: { id: string }[];
      };
      expect(list.data.map((m) => m.id)).toContain("gpt-4o-mini");
      expect((await fetch(`${server.baseURL}/models/gpt-4o`)).status).toBe(200);
      expect((await fetch(`${server.baseURL}/models/nope`)).status).toBe(404);
    });
  });

  describe("failures", () => {
    it.each([
      [401, "invalid_api_key"],
      [429, "rate_limit_exceeded"],
      [500, null],
    ])("answers %i with an OpenAI-shaped error body", async (status, code) => {
      server.enqueue({ error: { status, headers: { "x-test": "yes" } } });
      const response = await chat(server, { stream: true });
      expect(response.status).toBe(status);
      expect(response.headers.get("x-test")).toBe("yes");
      const body = (await response.json()) as { error: Record<string, unknown> };
      expect(body.error).toMatchObject({
        message: expect.any(String),
        type: expect.any(String),
        param: null,
        code,
      });
    });

    it("rejects a wrong API key when one is configured", async () => {
      const strict = await FakeOpenAIServer.start({ apiKey: "sk-right" });
      try {
        const response = await chat(strict, {});
        expect(response.status).toBe(401);
      } finally {
        await strict.close();
      }
    });

    it("drops the connection mid-stream", async () => {
      server.enqueue({ content: "one two three four five", dropAfterChunks: 3 });
      const response = await chat(server, { stream: true });
      await expect(response.text()).rejects.toThrow();
      expect(server.abortedRequests).toEqual([]);
      await expect(server.waitForClientAbort(0)).rejects.toThrow(/server-dropped/);
    });
  });

  describe("client aborts", () => {
    it("records a connection the client closed mid-stream and resolves waitForClientAbort", async () => {
      server.enqueue({ content: "one two three", stallAfterChunks: 2 });
      const controller = new AbortController();
      const aborted = server.waitForClientAbort(0);
      const response = await chat(server, { stream: true }, { signal: controller.signal });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await expect(aborted).resolves.toMatchObject({
        index: 0,
        path: "/v1/chat/completions",
        chunksSent: 2,
      });
      expect(server.abortedRequests).toHaveLength(1);
      expect(server.inFlight).toBe(0);
    });

    it("records an abort during the first-token delay", async () => {
      server.enqueue({ content: "slow", firstTokenDelayMs: 60_000 });
      const controller = new AbortController();
      const request = chat(server, {}, { signal: controller.signal });
      await server.waitForRequest(0);
      controller.abort();
      await expect(request).rejects.toThrow();
      await expect(server.waitForClientAbort(0)).resolves.toMatchObject({ chunksSent: 0 });
    });

    it("rejects waitForClientAbort when the response completes normally", async () => {
      const assertion = expect(server.waitForClientAbort(0)).rejects.toThrow(/completed/);
      await (await chat(server, { stream: true })).text();
      await assertion;
    });
  });
});
