import { deferred, type Deferred } from "../internal/test-deferred.js";
import { describe, expect, it } from "vitest";
import { mergeStreams } from "./merge-streams.js";

/** Lets every pending promise callback run (a few macrotask-free microtask rounds). */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}

/** Yields each deferred's value once it resolves; records its lifecycle in `log`. */
async function* gated<T>(
  name: string,
  gates: readonly Deferred<T>[],
  log: string[],
): AsyncGenerator<T> {
  try {
    for (const gate of gates) yield await gate.promise;
  } finally {
    log.push(`${name} closed`);
  }
}

/** Waits for `signal` (like a fetch made with it), yielding nothing. */
async function* waitsForAbort(
  name: string,
  signal: AbortSignal,
  log: string[],
): AsyncGenerator<string> {
  try {
    await new Promise<void>((resolve) =>
      signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    yield "never delivered";
  } finally {
    log.push(`${name} closed`);
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

describe("mergeStreams", () => {
  describe("values", () => {
    it("yields every value of every input exactly once, unchanged", async () => {
      const shared = { id: 1 };
      async function* letters() {
        yield "a";
        yield shared;
        yield "b";
      }
      function* numbers() {
        yield 1;
        yield 2;
      }
      const out = await collect(mergeStreams(letters(), numbers(), [true], new Set(["x"])));
      expect(out).toHaveLength(7);
      expect(new Set(out)).toEqual(new Set(["a", shared, "b", 1, 2, true, "x"]));
      expect(out.find((v) => typeof v === "object")).toBe(shared);
    });

    it("keeps each input's own order", async () => {
      async function* count(from: number) {
        for (let i = from; i < from + 5; i += 1) {
          await Promise.resolve();
          yield i;
        }
      }
      const out = await collect(mergeStreams(count(0), count(100), count(200)));
      for (const base of [0, 100, 200]) {
        expect(out.filter((v) => v >= base && v < base + 100)).toEqual([
          base,
          base + 1,
          base + 2,
          base + 3,
          base + 4,
        ]);
      }
    });

    it("yields values in arrival order across inputs", async () => {
      const log: string[] = [];
      const [a1, a2, b1, b2] = [
        deferred<string>(),
        deferred<string>(),
        deferred<string>(),
        deferred<string>(),
      ];
      const merged = mergeStreams(gated("a", [a1, a2], log), gated("b", [b1, b2], log));
      const out = collect(merged);
      b1.resolve("b1");
      await settle();
      a1.resolve("a1");
      await settle();
      a2.resolve("a2");
      await settle();
      b2.resolve("b2");
      expect(await out).toEqual(["b1", "a1", "a2", "b2"]);
    });

    it("loses nothing when two inputs resolve in the same tick", async () => {
      const log: string[] = [];
      const a = deferred<string>();
      const b = deferred<string>();
      const merged = mergeStreams(gated("a", [a], log), gated("b", [b], log));
      const first = merged.next();
      a.resolve("a");
      b.resolve("b");
      await settle();
      expect(await first).toEqual({ done: false, value: "a" });
      expect(await merged.next()).toEqual({ done: false, value: "b" });
      expect(await merged.next()).toEqual({ done: true, value: undefined });
    });

    it("loses nothing when many values are ready before anyone asks", async () => {
      async function* ready(prefix: string) {
        for (let i = 0; i < 3; i += 1) yield `${prefix}${i}`;
      }
      const merged = mergeStreams(ready("a"), ready("b"), ready("c"));
      const first = await merged.next();
      await settle();
      const rest = await collect(merged);
      expect([first.value, ...rest].sort()).toEqual([
        "a0",
        "a1",
        "a2",
        "b0",
        "b1",
        "b2",
        "c0",
        "c1",
        "c2",
      ]);
    });

    it("pulls an input again only once its last value was taken (back-pressure)", async () => {
      let pulled = 0;
      async function* counted() {
        for (let i = 0; i < 10; i += 1) {
          pulled += 1;
          yield i;
        }
      }
      const merged = mergeStreams(counted());
      await merged.next();
      await settle();
      expect(pulled).toBe(2); // the one taken, and the one waiting for the next next()
      await merged.return();
    });

    it("ends at once with no inputs, or with empty ones", async () => {
      expect(await collect(mergeStreams())).toEqual([]);
      expect(await collect(mergeStreams([], (async function* () {})()))).toEqual([]);
    });
  });

  describe("closing", () => {
    it("closes every input when the consumer breaks out of for-await", async () => {
      const log: string[] = [];
      const controller = new AbortController();
      async function* chatty() {
        try {
          for (let i = 0; ; i += 1) yield `chunk ${i}`;
        } finally {
          log.push("chatty closed");
        }
      }
      for await (const value of mergeStreams(
        chatty(),
        waitsForAbort("slow", controller.signal, log),
      )) {
        if (value === "chunk 2") {
          controller.abort(); // what an interrupt does to the node's signal
          break;
        }
      }
      expect(log.sort()).toEqual(["chatty closed", "slow closed"]);
    });

    it("return() waits for every input's finally, then is done for good", async () => {
      const log: string[] = [];
      const [a, b] = [deferred<string>(), deferred<string>()];
      const merged = mergeStreams(gated("a", [a], log), gated("b", [b], log));
      const pending = merged.next();
      await settle();
      let returned = false;
      const closing = merged.return().then(() => (returned = true));
      expect(await pending).toEqual({ done: true, value: undefined });
      // Both are parked in `await gate.promise`: their return() runs once that await settles.
      a.resolve("late");
      await settle();
      expect(log).toEqual(["a closed"]);
      expect(returned).toBe(false);
      b.resolve("late");
      await closing;
      expect(log).toEqual(["a closed", "b closed"]);
      expect(await merged.next()).toEqual({ done: true, value: undefined });
      expect(await merged.return()).toEqual({ done: true, value: undefined });
    });

    it("drops values that arrive while closing", async () => {
      const log: string[] = [];
      const gate = deferred<string>();
      const merged = mergeStreams(gated("a", [gate], log));
      void merged.next();
      await settle();
      const closing = merged.return();
      gate.resolve("too late");
      await closing;
      expect(await merged.next()).toEqual({ done: true, value: undefined });
    });

    it("closes inputs it never started without running them", async () => {
      let ran = false;
      const closed: string[] = [];
      async function* lazy() {
        ran = true;
        yield 1;
      }
      const iterable = {
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.resolve({ done: false as const, value: 2 }),
          return: () => {
            closed.push("custom");
            return Promise.resolve({ done: true as const, value: undefined });
          },
        }),
      };
      const merged = mergeStreams(lazy(), iterable);
      await merged.return();
      expect(ran).toBe(false);
      expect(closed).toEqual(["custom"]);
      expect(await merged.next()).toEqual({ done: true, value: undefined });
    });

    it("closes the inputs when the generator it is yield*-ed from is closed", async () => {
      const log: string[] = [];
      const controller = new AbortController();
      async function* node() {
        yield* mergeStreams(["hello"], waitsForAbort("llm", controller.signal, log));
      }
      const generation = node();
      expect(await generation.next()).toEqual({ done: false, value: "hello" });
      controller.abort();
      await generation.return(undefined);
      expect(log).toEqual(["llm closed"]);
    });

    it("reports an input's failing finally from return()", async () => {
      async function* brokenFinally() {
        try {
          yield 1;
          yield 2;
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new Error("finally failed");
        }
      }
      const merged = mergeStreams(brokenFinally());
      await merged.next();
      await expect(merged.return()).rejects.toThrow("finally failed");
    });
  });

  describe("errors", () => {
    it("propagates an input's error after closing the others", async () => {
      const log: string[] = [];
      const controller = new AbortController();
      const failure = new Error("stream broke");
      const gate = deferred();
      async function* failing() {
        yield "before";
        await gate.promise;
        controller.abort(); // the node aborts its other requests on failure, as a route would
        throw failure;
      }
      const merged = mergeStreams(failing(), waitsForAbort("other", controller.signal, log));
      expect(await merged.next()).toEqual({ done: false, value: "before" });
      const next = merged.next();
      gate.resolve();
      await expect(next).rejects.toBe(failure);
      expect(log).toEqual(["other closed"]);
      expect(await merged.next()).toEqual({ done: true, value: undefined });
    });

    it("closes the others even when they never look at a signal, once they next yield", async () => {
      const log: string[] = [];
      const failing = {
        [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("boom")) }),
      };
      async function* endless() {
        try {
          for (let i = 0; ; i += 1) yield i;
        } finally {
          log.push("endless closed");
        }
      }
      const values: unknown[] = [];
      await expect(
        (async () => {
          for await (const value of mergeStreams(failing, endless())) values.push(value);
        })(),
      ).rejects.toThrow("boom");
      expect(log).toEqual(["endless closed"]);
      expect(values.every((v) => typeof v === "number")).toBe(true);
    });

    it("delivers the values that arrived before the error first", async () => {
      const [a1, a2, b] = [deferred<string>(), deferred<string>(), deferred<string>()];
      const log: string[] = [];
      const merged = mergeStreams(gated("a", [a1, a2], log), gated("b", [b], log));
      const first = merged.next();
      a1.resolve("a1");
      await settle();
      a2.resolve("a2, not taken yet");
      await settle();
      b.reject(new Error("then b failed"));
      await settle();
      expect(log.sort()).toEqual(["a closed", "b closed"]);
      expect(await first).toEqual({ done: false, value: "a1" });
      expect(await merged.next()).toEqual({ done: false, value: "a2, not taken yet" });
      await expect(merged.next()).rejects.toThrow("then b failed");
      expect(await merged.next()).toEqual({ done: true, value: undefined });
    });

    it("propagates a sync iterable's throw", async () => {
      const throwsAtOnce: Iterable<number> = {
        [Symbol.iterator]: () => ({
          next(): IteratorResult<number> {
            throw new Error("sync boom");
          },
        }),
      };
      await expect(collect(mergeStreams(throwsAtOnce, [1]))).rejects.toThrow("sync boom");
    });

    it("propagates an iterable whose iterator cannot be created", async () => {
      const bad = {
        [Symbol.iterator](): Iterator<number> {
          throw new Error("no iterator");
        },
      };
      await expect(collect(mergeStreams(bad))).rejects.toThrow("no iterator");
    });
  });
});
