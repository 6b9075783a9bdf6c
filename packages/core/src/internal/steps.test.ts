import { mergeWith, take, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { Message } from "../message.js";
import { Generation } from "./generation.js";
import { filterStep, mapStep, pipeStep, streamStep, type Sink, type Step } from "./steps.js";

const trigger = () => new Message({ source: "user", event: {} });

/** A sink that records what reaches it, synchronously (no back-pressure). */
function recorder() {
  const values: unknown[] = [];
  let ended = false;
  const sink: Sink = {
    push(value) {
      values.push(value);
    },
    end() {
      ended = true;
    },
  };
  return { sink, values, ended: () => ended };
}

function connect(steps: Step[], generation: Generation, last: Sink): Sink {
  return steps.reduceRight((next, step) => step.connect(generation, next), last);
}

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe("steps", () => {
  describe("pipeStep", () => {
    it("forwards operator output at its virtual time and flushes on a normal end", async () => {
      const done: { ended?: Promise<void> } = {};
      const out = recorder();
      const generation = new Generation(trigger());
      scheduler().run(({ cold, expectSubscriptions }) => {
        const ticks = cold("--x--y|");
        const sink = connect(
          [pipeStep([(source: Observable<unknown>) => source.pipe(mergeWith(ticks))])],
          generation,
          out.sink,
        );
        void sink.push("a");
        done.ended = Promise.resolve(sink.end());
        // The operators keep running after the input completes, until they complete themselves.
        expectSubscriptions(ticks.subscriptions).toBe("^-----!");
      });
      await done.ended;
      expect(out.values).toEqual(["a", "x", "y"]);
      expect(out.ended()).toBe(true);
    });

    it("unsubscribes the operators at the frame of a cancel and forwards nothing after it", () => {
      const out = recorder();
      const generation = new Generation(trigger());
      scheduler().run(({ cold, expectSubscriptions }) => {
        const ticks = cold("-x--y--z|");
        connect(
          [pipeStep([(source: Observable<unknown>) => source.pipe(mergeWith(ticks))])],
          generation,
          out.sink,
        );
        cold("---c|").subscribe(() => generation.cancel());
        expectSubscriptions(ticks.subscriptions).toBe("^--!");
      });
      expect(out.values).toEqual(["x"]);
      expect(out.ended()).toBe(false);
    });

    it("ends early when an operator completes early (take), and stops forwarding", async () => {
      const out = recorder();
      const generation = new Generation(trigger());
      const done: { ended?: Promise<void> } = {};
      scheduler().run(({ cold, expectSubscriptions }) => {
        const ticks = cold("-x-y-z|");
        const sink = connect(
          [
            pipeStep([
              (source: Observable<unknown>) => source.pipe(mergeWith(ticks)),
              take<unknown>(2),
            ]),
          ],
          generation,
          out.sink,
        );
        done.ended = Promise.resolve(sink.end());
        expectSubscriptions(ticks.subscriptions).toBe("^--!");
      });
      await done.ended;
      expect(out.values).toEqual(["x", "y"]);
      expect(out.ended()).toBe(true);
    });
  });

  describe("map, filter and stream", () => {
    it("run synchronously end to end when every step is synchronous", () => {
      const out = recorder();
      const generation = new Generation(trigger());
      const sink = connect(
        [
          streamStep(() => [1, 2, 3, 4]),
          filterStep((n) => (n as number) % 2 === 0),
          mapStep((n) => (n as number) * 10),
        ],
        generation,
        out.sink,
      );
      expect(sink.push(undefined)).toBeUndefined();
      expect(out.values).toEqual([20, 40]);
    });

    it("drop an async result that resolves after the generation was cancelled", async () => {
      const out = recorder();
      const generation = new Generation(trigger());
      let resolve!: (value: string) => void;
      const sink = connect(
        [mapStep(() => new Promise<string>((r) => (resolve = r)))],
        generation,
        out.sink,
      );
      const pending = sink.push(undefined);
      generation.cancel();
      resolve("late");
      await pending;
      expect(out.values).toEqual([]);
    });

    it("describe themselves for bus.describe(): kind and the function's name", () => {
      function addEvent() {}
      expect(mapStep(addEvent)).toMatchObject({ kind: "map", name: "addEvent" });
      expect(filterStep(() => true)).toMatchObject({ kind: "filter", name: undefined });
      expect(streamStep(undefined)).toMatchObject({ kind: "stream", name: undefined });
      expect(pipeStep([])).toMatchObject({ kind: "pipe", name: undefined });
    });
  });
});
