import { describe, expect, it } from "vitest";
import { Message } from "../message.js";
import { Generation } from "./generation.js";
import { PullThroughIterator, SKIP, takePullThrough, type PullThrough } from "./pull-through.js";
import { streamStep, type Sink } from "./steps.js";

/** Stages that double numbers, skip 2, trail "end", and log every call. */
function stages(source: () => AsyncIterator<number>, log: string[]): PullThrough<number, unknown> {
  let trailed = false;
  return {
    open() {
      log.push("open");
      return source();
    },
    item(value) {
      log.push(`item ${value}`);
      return value === 2 ? SKIP : value * 10;
    },
    trailing() {
      log.push("trailing");
      if (trailed) return undefined;
      trailed = true;
      return "end";
    },
    delivered() {
      log.push("delivered");
    },
    failed(error) {
      log.push(`failed ${(error as Error).message}`);
    },
    close() {
      log.push("close");
    },
  };
}

function numbers(log: string[], count = 3): () => AsyncIterator<number> {
  return () =>
    (async function* () {
      try {
        for (let i = 1; i <= count; i++) yield i;
      } finally {
        log.push("source closed");
      }
    })();
}

describe("PullThroughIterator (a generate() iterated directly)", () => {
  it("runs nothing before the first next(), then the stages in order", async () => {
    const log: string[] = [];
    const iterator = new PullThroughIterator(stages(numbers(log), log));
    expect(log).toEqual([]);
    const values: unknown[] = [];
    for await (const value of iterator) {
      log.push(`got ${String(value)}`);
      values.push(value);
    }
    expect(values).toEqual([10, 30, "end"]);
    expect(log).toEqual([
      "open",
      "item 1",
      "got 10",
      "delivered",
      "item 2",
      "item 3",
      "got 30",
      "delivered",
      "source closed",
      "trailing",
      "got end",
      "delivered",
      "trailing",
      "close",
    ]);
  });

  it("return() at a value closes the source, then the stages; before next() it runs nothing", async () => {
    const log: string[] = [];
    const iterator = new PullThroughIterator(stages(numbers(log), log));
    await iterator.next();
    await expect(iterator.return()).resolves.toEqual({ done: true, value: undefined });
    expect(log).toEqual(["open", "item 1", "source closed", "close"]);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });

    const untouched: string[] = [];
    const never = new PullThroughIterator(stages(numbers(untouched), untouched));
    await never.return();
    await never.next();
    expect(untouched).toEqual([]);
  });

  it("throw() at a value closes the source, reports the error to the stages and rethrows it", async () => {
    const log: string[] = [];
    const iterator = new PullThroughIterator(stages(numbers(log), log));
    await iterator.next();
    await expect(iterator.throw(new Error("boom"))).rejects.toThrow("boom");
    expect(log).toEqual(["open", "item 1", "source closed", "failed boom", "close"]);
  });

  it("a source that throws is reported and the stages close; it is not closed again", async () => {
    const log: string[] = [];
    const source = () =>
      ({
        next: () => Promise.reject(new Error("model down")),
        return: () => {
          log.push("return called");
          return Promise.resolve({ done: true, value: undefined });
        },
      }) as AsyncIterator<number>;
    const iterator = new PullThroughIterator(stages(source, log));
    await expect(iterator.next()).rejects.toThrow("model down");
    expect(log).toEqual(["open", "failed model down", "close"]);
  });

  it("queues calls: a next() made while one is pending waits for it", async () => {
    const log: string[] = [];
    const iterator = new PullThroughIterator(stages(numbers(log), log));
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next()]);
    expect(results.map((r) => r.value)).toEqual([10, 30, "end"]);
  });

  it("hands its stages over once, and only before it was iterated", async () => {
    const log: string[] = [];
    const taken = new PullThroughIterator(stages(numbers(log), log));
    expect(takePullThrough(taken)).toBeDefined();
    expect(takePullThrough(taken)).toBeUndefined();
    await expect(taken.next()).resolves.toEqual({ done: true, value: undefined });
    expect(log).toEqual([]);

    const iterated = new PullThroughIterator(stages(numbers(log), log));
    await iterated.next();
    expect(takePullThrough(iterated)).toBeUndefined();
    expect(takePullThrough({})).toBeUndefined();
  });
});

describe("the stream step pumping a PullThrough", () => {
  function pump(through: PullThrough<number, unknown>, generation: Generation, values: unknown[]) {
    const last: Sink = {
      push(value) {
        values.push(value);
      },
      end() {},
    };
    const iterator = new PullThroughIterator(through);
    const next = iterator.next.bind(iterator);
    let directCalls = 0;
    iterator.next = () => {
      directCalls++;
      return next();
    };
    const sink = streamStep(() => iterator).connect(generation, last);
    return { done: sink.push(undefined), directCalls: () => directCalls };
  }

  it("pulls the source itself (the iterator's own next() is never called), stages in order", async () => {
    const log: string[] = [];
    const values: unknown[] = [];
    const run = pump(
      stages(numbers(log), log),
      new Generation(new Message({ source: "user", event: {} })),
      values,
    );
    await run.done;
    expect(run.directCalls()).toBe(0);
    expect(values).toEqual([10, 30, "end"]);
    expect(log).toEqual([
      "open",
      "item 1",
      "delivered",
      "item 2",
      "item 3",
      "delivered",
      "source closed",
      "trailing",
      "delivered",
      "trailing",
      "close",
    ]);
  });

  it("a cancel does not wait for a pending next() of a source that is not a generator", async () => {
    const log: string[] = [];
    const source = () =>
      ({
        next: () => new Promise<IteratorResult<number>>(() => undefined), // never settles
        return: () => {
          log.push("source returned");
          return Promise.resolve({ done: true, value: undefined });
        },
      }) as AsyncIterator<number>;
    const generation = new Generation(new Message({ source: "user", event: {} }));
    const values: unknown[] = [];
    const run = pump(stages(source, log), generation, values);
    generation.cancel();
    await run.done;
    expect(values).toEqual([]);
    expect(log).toEqual(["open", "source returned", "close"]);
  });
});
