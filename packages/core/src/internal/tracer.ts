import {
  context,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { SwitchboardError } from "../errors.js";

/**
 * Switchboard's tracer. Through `@opentelemetry/api` only: without a registered SDK every span is
 * a non-recording no-op, so tracing costs one small object per span and nothing per chunk.
 */
export const tracer: Tracer = trace.getTracer("@switchboard/core");

/** The parent a span gets: the one handed down, else whatever is active. */
export function parentContext(given: Context | undefined): Context {
  return given ?? context.active();
}

/**
 * Marks `span` failed with the error's kind only — a `SwitchboardError`'s code or the error's class
 * name — never its message or stack, which may quote user text or server paths (the log has those).
 */
export function recordSpanError(span: Span, error: unknown): void {
  const type =
    error instanceof SwitchboardError
      ? error.code
      : error instanceof Error && error.name !== ""
        ? error.name
        : "Error";
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
