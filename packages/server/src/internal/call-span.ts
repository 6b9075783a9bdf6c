import {
  context,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from "@opentelemetry/api";
import type { ShutdownReason } from "../voice-agent-system.js";

const tracer = trace.getTracer("@switchboard/server");

/** A call's span and the context its generations hang under. */
export interface CallSpan {
  span: Span;
  /** Absent without an OpenTelemetry SDK: generations then take the context active when they start. */
  context: Context | undefined;
}

/** Starts the span of one WebSocket session: `switchboard.call`, with the call's id. */
export function startCallSpan(callId: string): CallSpan {
  const span = tracer.startSpan("switchboard.call", {
    kind: SpanKind.SERVER,
    attributes: { "switchboard.call.id": callId },
  });
  // Without an SDK the span is the API's no-op (an invalid span context): a context around it
  // would hang nothing anywhere, and it would cost every call a context object and three closures.
  if (!isSpanContextValid(span.spanContext())) return { span, context: undefined };
  return { span, context: trace.setSpan(context.active(), span) };
}

/** Ends a call's span with why the call ended; a call that ended in an error is marked failed. */
export function endCallSpan(call: CallSpan, reason: ShutdownReason): void {
  call.span.setAttribute("switchboard.call.end_reason", reason);
  if (reason === "error") {
    call.span.setAttribute("error.type", "call_error");
    call.span.setStatus({ code: SpanStatusCode.ERROR, message: "the call ended in an error" });
  }
  call.span.end();
}
