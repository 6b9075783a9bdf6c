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

/** Measures one generation; `finish()` returns the numbers and the `LogMetric` events to publish. */
export class GenerationTimer {
  readonly #triggeredAt: number;
  readonly #startedAt = performance.now();
  #firstChunkAt: number | undefined;
  #usage: TokenUsage | undefined;
  chunkCount = 0;
  totalLength = 0;

  constructor(triggeredAtEpochMs: number) {
    // Align the trigger's wall-clock timestamp with the monotonic clock once.
    this.#triggeredAt = this.#startedAt - Math.max(0, Date.now() - triggeredAtEpochMs);
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

  finish(
    generationId: string | undefined,
    interrupted: boolean,
  ): { metrics: GenerationMetrics; events: LogMetric[] } {
    const round = (ms: number) => Math.round(ms * 100) / 100;
    const metrics: GenerationMetrics = {
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
    const events = [
      new LogMetric({ name: GENERATION_METRICS.durationMs, value: metrics.durationMs }),
      new LogMetric({ name: GENERATION_METRICS.chunkCount, value: metrics.chunkCount }),
      new LogMetric({ name: GENERATION_METRICS.interrupted, value: interrupted ? 1 : 0 }),
    ];
    if (this.#usage !== undefined) {
      events.push(
        new LogMetric({ name: GENERATION_METRICS.inputTokens, value: this.#usage.inputTokens }),
        new LogMetric({ name: GENERATION_METRICS.outputTokens, value: this.#usage.outputTokens }),
      );
    }
    if (metrics.ttfcMs !== undefined) {
      events.unshift(new LogMetric({ name: GENERATION_METRICS.ttfcMs, value: metrics.ttfcMs }));
    }
    return { metrics, events };
  }
}
