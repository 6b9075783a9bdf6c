import { LogMetric } from "../events.js";

/**
 * Tokens a model request used, as the model's API reported them (OpenAI: `stream_options:
 * { include_usage: true }`).
 * @example
 * const usage: TokenUsage = { inputTokens: 412, outputTokens: 38 };
 */
export interface TokenUsage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
}

/** What is measured for every generation, interrupted ones included. */
export interface GenerationMetrics {
  generationId: string | undefined;
  /** From the triggering message's timestamp to the first chunk delivered; undefined if none was. */
  ttfcMs: number | undefined;
  /** From the generation's start to its end; the wait between trigger and start is in ttfc only. */
  durationMs: number;
  chunkCount: number;
  totalLength: number;
  interrupted: boolean;
  /** Prompt tokens summed over the generation's model requests; undefined when none reported usage. */
  inputTokens: number | undefined;
  /** Completion tokens, summed likewise. */
  outputTokens: number | undefined;
}

/** Metric names as they appear in `LogMetric` events and `log_metric` frames. */
export const GENERATION_METRICS = {
  ttfcMs: "generation.ttfc_ms",
  durationMs: "generation.duration_ms",
  chunkCount: "generation.chunks",
  interrupted: "generation.interrupted",
  inputTokens: "generation.input_tokens",
  outputTokens: "generation.output_tokens",
} as const;

/** Measures one generation; `finish()` returns the numbers. */
export class GenerationTimer {
  readonly #triggeredAt: number;
  readonly #startedAt = performance.now();
  #firstChunkAt: number | undefined;
  #usage: TokenUsage | undefined;
  chunkCount = 0;
  totalLength = 0;

  /**
   * @param triggeredAtEpochMs the triggering message's `Date.now()` timestamp; without one the
   * generation's own start is the trigger (no second clock reading, which could land on the next
   * millisecond and put ttfc ahead of the duration).
   */
  constructor(triggeredAtEpochMs: number | undefined) {
    // Align the trigger's wall-clock timestamp with the monotonic clock once.
    this.#triggeredAt =
      triggeredAtEpochMs === undefined
        ? this.#startedAt
        : this.#startedAt - Math.max(0, Date.now() - triggeredAtEpochMs);
  }

  chunk(length: number): void {
    this.#firstChunkAt ??= performance.now();
    this.chunkCount++;
    this.totalLength += length;
  }

  /** Adds one model request's usage (a generation with tool rounds makes several). */
  tokens(usage: TokenUsage): void {
    this.#usage = {
      inputTokens: (this.#usage?.inputTokens ?? 0) + usage.inputTokens,
      outputTokens: (this.#usage?.outputTokens ?? 0) + usage.outputTokens,
    };
  }

  finish(generationId: string | undefined, interrupted: boolean): GenerationMetrics {
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      generationId,
      ttfcMs:
        this.#firstChunkAt === undefined
          ? undefined
          : round(this.#firstChunkAt - this.#triggeredAt),
      durationMs: round(performance.now() - this.#startedAt),
      chunkCount: this.chunkCount,
      totalLength: this.totalLength,
      interrupted,
      inputTokens: this.#usage?.inputTokens,
      outputTokens: this.#usage?.outputTokens,
    };
  }
}

/**
 * A generation's metrics as `LogMetric` events, in their order on the wire: ttfc (if a chunk was
 * delivered), duration, chunks, interrupted, then the token counts (if reported). Made only where
 * they go out as events: a completed generation's ride on its completion.
 */
export function metricEventsOf(metrics: GenerationMetrics): LogMetric[] {
  const events: LogMetric[] = [];
  if (metrics.ttfcMs !== undefined) {
    events.push(new LogMetric({ name: GENERATION_METRICS.ttfcMs, value: metrics.ttfcMs }));
  }
  events.push(
    new LogMetric({ name: GENERATION_METRICS.durationMs, value: metrics.durationMs }),
    new LogMetric({ name: GENERATION_METRICS.chunkCount, value: metrics.chunkCount }),
    new LogMetric({ name: GENERATION_METRICS.interrupted, value: metrics.interrupted ? 1 : 0 }),
  );
  if (metrics.inputTokens !== undefined && metrics.outputTokens !== undefined) {
    events.push(
      new LogMetric({ name: GENERATION_METRICS.inputTokens, value: metrics.inputTokens }),
      new LogMetric({ name: GENERATION_METRICS.outputTokens, value: metrics.outputTokens }),
    );
  }
  return events;
}
