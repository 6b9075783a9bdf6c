import { SpanKind, SpanStatusCode, trace, type Context, type Span } from "@opentelemetry/api";
import type { TokenUsage } from "@switchboard/core";
import type { ChatModelError } from "../chat-model-error.js";

const tracer = trace.getTracer("@switchboard/openai");

/** What a model request's span is started with: GenAI semantic-convention names. */
export interface ChatSpanStart {
  model: string;
  temperature: number | undefined;
  maxTokens: number | undefined;
  parent: Context;
}

/** Starts the span of one model request: `chat {model}`, a client span. */
export function startChatSpan(start: ChatSpanStart): Span {
  return tracer.startSpan(
    `chat ${start.model}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": start.model,
        ...(start.temperature !== undefined && { "gen_ai.request.temperature": start.temperature }),
        ...(start.maxTokens !== undefined && { "gen_ai.request.max_tokens": start.maxTokens }),
      },
    },
    start.parent,
  );
}

/** How a model request ended, for its span. */
export interface ChatSpanEnd {
  responseModel: string | undefined;
  finishReason: string | undefined;
  usage: TokenUsage | undefined;
  /** Aborted, or closed early by its consumer: not a failure. */
  interrupted: boolean;
  /** Set when the request failed. */
  error: ChatModelError | undefined;
}

/**
 * Records the request's outcome and ends its span. A failure is recorded by kind and status only
 * (`error.type`): the server's message may quote the prompt, and the log has it anyway.
 */
export function endChatSpan(span: Span, end: ChatSpanEnd): void {
  span.setAttributes({
    ...(end.responseModel !== undefined && { "gen_ai.response.model": end.responseModel }),
    ...(end.finishReason !== undefined && { "gen_ai.response.finish_reasons": [end.finishReason] }),
    ...(end.usage !== undefined && {
      "gen_ai.usage.input_tokens": end.usage.inputTokens,
      "gen_ai.usage.output_tokens": end.usage.outputTokens,
    }),
    ...(end.interrupted && { "switchboard.interrupted": true }),
  });
  if (end.error !== undefined) {
    const type = end.error.status === undefined ? end.error.kind : String(end.error.status);
    span.setAttribute("error.type", type);
    span.setStatus({ code: SpanStatusCode.ERROR, message: end.error.kind });
  }
  span.end();
}
