import type { FakeReply, FakeToolCall } from "./fake-reply.js";

/** A tool call with its id chosen and its arguments as the exact string the model sends. */
export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
  fragments: number;
}

/** What the server needs to know about a completion besides the reply itself. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}

/** Splits text into word-sized tokens that keep their leading whitespace, like OpenAI's deltas. */
function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Splits `s` into `n` near-equal non-empty parts (fewer when `s` is shorter than `n`). */
function splitIntoFragments(s: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, s.length));
  const size = Math.ceil(s.length / count);
  const parts: string[] = [];
  for (let i = 0; i < s.length; i += size) parts.push(s.slice(i, i + size));
  return parts.length > 0 ? parts : [""];
}

/** Gives every tool call an id and its raw arguments string. */
export function resolveToolCalls(
  calls: readonly FakeToolCall[],
  nextId: () => string,
): ResolvedToolCall[] {
  return calls.map((call) => ({
    id: call.id ?? nextId(),
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments),
    fragments: call.argumentFragments ?? 3,
  }));
}

function contentTokens(reply: FakeReply): string[] {
  if (reply.content === undefined) return [];
  return typeof reply.content === "string" ? splitIntoTokens(reply.content) : [...reply.content];
}

function finishReason(reply: FakeReply, calls: readonly ResolvedToolCall[]): string {
  return reply.finishReason ?? (calls.length > 0 ? "tool_calls" : "stop");
}

function usage(reply: FakeReply, calls: readonly ResolvedToolCall[]) {
  const completion = contentTokens(reply).length + calls.reduce((n, c) => n + c.fragments + 2, 0);
  return { prompt_tokens: 10, completion_tokens: completion, total_tokens: 10 + completion };
}

type Delta = Record<string, unknown>;

/**
 * The `chat.completion.chunk` objects OpenAI streams for `reply`, in order: a role delta, the
 * content deltas, the tool-call deltas (header with index/id/name first, then the arguments in
 * fragments), a final chunk with `finish_reason`, and a usage chunk when the request asked for it.
 */
export function streamChunks(
  reply: FakeReply,
  calls: readonly ResolvedToolCall[],
  meta: CompletionMeta,
): object[] {
  const chunk = (delta: Delta, finish: string | null = null) => ({
    id: meta.id,
    object: "chat.completion.chunk",
    created: meta.created,
    model: meta.model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const tokens = contentTokens(reply);
  const chunks: object[] = [
    chunk({ role: "assistant", content: tokens.length > 0 ? "" : null, refusal: null }),
  ];
  for (const token of tokens) chunks.push(chunk({ content: token }));

  const header = (call: ResolvedToolCall, index: number) =>
    chunk({
      tool_calls: [
        { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } },
      ],
    });
  const fragment = (text: string, index: number) =>
    chunk({ tool_calls: [{ index, function: { arguments: text } }] });
  const fragmentsOf = calls.map((c) => splitIntoFragments(c.arguments, c.fragments));

  if (reply.toolCallOrder === "interleaved") {
    calls.forEach((call, i) => chunks.push(header(call, i)));
    const longest = Math.max(0, ...fragmentsOf.map((f) => f.length));
    for (let k = 0; k < longest; k++) {
      fragmentsOf.forEach((frags, i) => {
        const text = frags[k];
        if (text !== undefined) chunks.push(fragment(text, i));
      });
    }
  } else {
    calls.forEach((call, i) => {
      chunks.push(header(call, i));
      for (const text of fragmentsOf[i] ?? []) chunks.push(fragment(text, i));
    });
  }

  chunks.push(chunk({}, finishReason(reply, calls)));
  if (meta.includeUsage) {
    chunks.push({
      id: meta.id,
      object: "chat.completion.chunk",
      created: meta.created,
      model: meta.model,
      system_fingerprint: "fp_fake",
      choices: [],
      usage: usage(reply, calls),
    });
  }
  return chunks;
}

/** The `chat.completion` object OpenAI returns for `reply` to a non-streaming request. */
export function completionBody(
  reply: FakeReply,
  calls: readonly ResolvedToolCall[],
  meta: CompletionMeta,
): object {
  const content = contentTokens(reply).join("");
  const message: Record<string, unknown> = {
    role: "assistant",
    content: reply.content === undefined ? null : content,
    refusal: null,
  };
  if (calls.length > 0) {
    message["tool_calls"] = calls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  }
  return {
    id: meta.id,
    object: "chat.completion",
    created: meta.created,
    model: meta.model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(reply, calls) }],
    usage: usage(reply, calls),
  };
}
