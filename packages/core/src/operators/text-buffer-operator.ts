import { Observable, type OperatorFunction } from "rxjs";
import { AgentResponse } from "../events.js";
import { isBlank, textOf, type TextOperatorOutput } from "./text-chunk.js";

/**
 * Cuts streamed text into chunks for one subscription. `push` hands back the chunks it is sure
 * of; `flush` (the stream or the text run ended) hands back everything it holds and starts over.
 */
export interface Chunker {
  push(text: string): readonly string[];
  flush(): readonly string[];
}

/**
 * The shared body of the buffering operators: feeds text to a fresh chunker per subscription and
 * keeps the contract every operator shares — `AgentResponse` out, never a blank chunk, nothing
 * lost, non-text values passed through in order after flushing, flush on complete, drop on
 * unsubscribe.
 */
export function textBufferOperator<T>(
  createChunker: () => Chunker,
): OperatorFunction<T, TextOperatorOutput<T>> {
  return (source) =>
    new Observable<TextOperatorOutput<T>>((subscriber) => {
      const chunker = createChunker();
      // Whitespace with no chunk before it to join waits for the next chunk.
      let blank = "";

      const emit = (chunks: readonly string[]): void => {
        if (chunks.length === 0) return;
        const { joined, leftover } = joinBlanks(blank === "" ? chunks : [blank, ...chunks]);
        blank = leftover;
        for (const content of joined) subscriber.next(new AgentResponse({ content }));
      };

      return source.subscribe({
        next(value) {
          const text = textOf(value);
          if (text === undefined) {
            // Text before a tool call or other event is complete as far as the listener knows.
            emit(chunker.flush());
            subscriber.next(value as Exclude<T, string>);
            return;
          }
          if (text !== "") emit(chunker.push(text));
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          emit(chunker.flush());
          // Whatever is left is whitespace that had nothing to join: dropped by contract.
          blank = "";
          subscriber.complete();
        },
      });
    });
}

/**
 * Merges blank chunks into the chunk before them (or, for leading blanks, the chunk after).
 * Blanks with no neighbour at all come back as `leftover`, to join the next text.
 */
function joinBlanks(chunks: readonly string[]): { joined: string[]; leftover: string } {
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
