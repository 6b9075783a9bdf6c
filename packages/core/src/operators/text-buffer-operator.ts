import { Observable, type OperatorFunction } from "rxjs";
import { AgentResponse } from "../events.js";
import { isBlank, textOf, type TextOperatorOutput } from "./text-chunk.js";

/** What a splitter hands back: the chunks it is sure of, and the text it keeps waiting for more. */
export interface Split {
  readonly chunks: readonly string[];
  readonly rest: string;
}

/**
 * Cuts the buffered text into chunks. With `final` the stream (or the text run) has ended, so the
 * splitter must hand back everything: `rest` is then ignored and should be "".
 */
export type Splitter = (buffer: string, final: boolean) => Split;

/**
 * The shared body of the buffering operators: holds text, asks `split` what can go out, and keeps
 * the contract every operator shares — `AgentResponse` out, never a blank chunk, nothing lost,
 * non-text values passed through in order after flushing, flush on complete, drop on unsubscribe.
 */
export function textBufferOperator<T>(split: Splitter): OperatorFunction<T, TextOperatorOutput<T>> {
  return (source) =>
    new Observable<TextOperatorOutput<T>>((subscriber) => {
      let buffer = "";

      const emit = (chunks: readonly string[]): void => {
        for (const content of chunks) subscriber.next(new AgentResponse({ content }));
      };

      /** Emits what `split` is sure of; blank pieces join a neighbour or go back to the buffer. */
      const drain = (final: boolean): void => {
        if (buffer === "") return;
        const { chunks, rest } = split(buffer, final);
        const { joined, leftover } = joinBlanks(chunks);
        buffer = final ? leftover : leftover + rest;
        emit(joined);
      };

      return source.subscribe({
        next(value) {
          const text = textOf(value);
          if (text === undefined) {
            // Text before a tool call or other event is complete as far as the listener knows.
            drain(true);
            subscriber.next(value as Exclude<T, string>);
            return;
          }
          buffer += text;
          drain(false);
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          drain(true);
          // Whatever is left is whitespace that had nothing to join: dropped by contract.
          buffer = "";
          subscriber.complete();
        },
      });
    });
}

/**
 * Merges blank chunks into the chunk before them (or, for leading blanks, the chunk after).
 * Blanks with no neighbour at all come back as `leftover`, to join the next text.
 */
export function joinBlanks(chunks: readonly string[]): { joined: string[]; leftover: string } {
  const joined: string[] = [];
  let pending = "";
  for (const chunk of chunks) {
    if (chunk === "") continue;
    if (isBlank(chunk)) {
      if (joined.length > 0) joined[joined.length - 1] += chunk;
      else pending += chunk;
      continue;
    }
    joined.push(pending + chunk);
    pending = "";
  }
  return { joined, leftover: pending };
}
