import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from "rxjs";
import { AgentResponse } from "../events.js";
import { isBlank, textOf, type TextChunk, type TextOperatorOutput } from "./text-chunk.js";

/**
 * Options of {@link fillerAfter}.
 * @example fillerAfter({ ms: 1200, text: "Let me check.", maxTimes: 2 })
 */
export interface FillerAfterOptions {
  /** Silence, in ms, after which the filler is spoken. Default 1500. */
  readonly ms?: number;
  /** What to say. Default "One moment.". */
  readonly text?: string;
  /** Most fillers per execution. Default 1. */
  readonly maxTimes?: number;
  /** Where the silence clock runs; default `asyncScheduler` (a `TestScheduler` in marble tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Says a filler ("One moment.") whenever the execution has been silent for `ms`: from its start,
 * or since its last text chunk or filler, at most `maxTimes` times per execution.
 *
 * Text chunks pass through as `AgentResponse`, unchanged; other values (a `ToolCall`, a non-text
 * `AgentResponse`) pass through as they are and do not count as speech, so a slow tool still
 * gets its filler. A whitespace-only chunk is silent too: it is held and joins the next text
 * chunk (dropped if none follows). The timer is cleared on complete, error and unsubscribe.
 * @example
 * bridge
 *   .on(UserStoppedSpeaking)
 *   .stream(node.generate)
 *   .pipe(fillerAfter({ ms: 1200, text: "Let me check." }))
 *   .broadcast();
 */
export function fillerAfter<T = TextChunk>(
  options: FillerAfterOptions = {},
): OperatorFunction<T, TextOperatorOutput<T>> {
  const { ms = 1500, text = "One moment.", maxTimes = 1, scheduler = asyncScheduler } = options;
  return (source) =>
    new Observable<TextOperatorOutput<T>>((subscriber) => {
      let fillers = 0;
      let timer: Subscription | undefined;
      let heldWhitespace = "";

      const restartClock = (): void => {
        timer?.unsubscribe();
        timer = undefined;
        if (fillers >= maxTimes) return;
        timer = scheduler.schedule(() => {
          timer = undefined;
          fillers += 1;
          subscriber.next(new AgentResponse({ content: text }));
          restartClock();
        }, ms);
      };

      restartClock();
      const upstream = source.subscribe({
        next(value) {
          const content = textOf(value);
          if (content === undefined) {
            subscriber.next(value as Exclude<T, string>);
            return;
          }
          if (isBlank(content)) {
            heldWhitespace += content;
            return;
          }
          restartClock();
          if (heldWhitespace === "" && value instanceof AgentResponse) {
            subscriber.next(value);
          } else {
            subscriber.next(new AgentResponse({ content: heldWhitespace + content }));
          }
          heldWhitespace = "";
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          subscriber.complete();
        },
      });
      return () => {
        upstream.unsubscribe();
        timer?.unsubscribe();
        timer = undefined;
      };
    });
}
