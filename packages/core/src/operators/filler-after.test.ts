import { NEVER, Subject, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AgentResponse, ToolCall } from "../events.js";
import { fillerAfter, type FillerAfterOptions } from "./filler-after.js";

const filler = new AgentResponse({ content: "One moment." });
const text = (content: string) => new AgentResponse({ content });

function marbles(run: (helpers: Parameters<Parameters<TestScheduler["run"]>[0]>[0]) => void): void {
  new TestScheduler((actual, expected) => expect(actual).toEqual(expected)).run(run);
}

describe("fillerAfter", () => {
  describe("timing (marbles)", () => {
    it("says the filler after `ms` of silence from the start", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("------a|");
        expectObservable(source.pipe(fillerAfter({ ms: 3 }))).toBe("---f--a|", {
          f: filler,
          a: text("a"),
        });
      });
    });

    it("says nothing when chunks keep coming", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("ab-c--d|");
        expectObservable(source.pipe(fillerAfter({ ms: 3 }))).toBe("ab-c--d|", {
          a: text("a"),
          b: text("b"),
          c: text("c"),
          d: text("d"),
        });
      });
    });

    it("restarts the silence clock after each chunk (a mid-answer gap gets its filler)", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("a-b-----c|");
        expectObservable(source.pipe(fillerAfter({ ms: 3 }))).toBe("a-b--f--c|", {
          a: text("a"),
          b: text("b"),
          c: text("c"),
          f: filler,
        });
      });
    });

    it("says it at most once by default, however long the silence", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("-------------a|");
        expectObservable(source.pipe(fillerAfter({ ms: 3 }))).toBe("---f---------a|", {
          f: filler,
          a: text("a"),
        });
      });
    });

    it("fits up to maxTimes fillers into one long gap: a filler restarts the clock", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("-----------a|");
        expectObservable(source.pipe(fillerAfter({ ms: 3, maxTimes: 3 }))).toBe("---f--f--f-a|", {
          f: filler,
          a: text("a"),
        });
      });
    });

    it("counts maxTimes per execution, across gaps", () => {
      marbles(({ cold, expectObservable }) => {
        const source = cold<string>("----a------b|");
        expectObservable(source.pipe(fillerAfter({ ms: 3, maxTimes: 2 }))).toBe("---fa--f---b|", {
          f: filler,
          a: text("a"),
          b: text("b"),
        });
      });
    });

    it("does not count non-text values as speech (a slow tool still gets its filler)", () => {
      marbles(({ cold, expectObservable }) => {
        const call = new ToolCall({ toolName: "lookup" });
        const source = cold<string | ToolCall>("a-t----b|", { a: "a", t: call, b: "b" });
        expectObservable(source.pipe(fillerAfter({ ms: 3 }))).toBe("a-tf---b|", {
          a: text("a"),
          t: call,
          f: filler,
          b: text("b"),
        });
      });
    });

    it("uses its own text", () => {
      marbles(({ cold, expectObservable }) => {
        expectObservable(
          cold<string>("--|").pipe(fillerAfter({ ms: 1, text: "Hmm, let me see." })),
        ).toBe("-f|", {
          f: new AgentResponse({ content: "Hmm, let me see." }),
        });
      });
    });

    it("stops listening when unsubscribed (interrupted)", () => {
      marbles(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold<string>("a-------b|");
        expectObservable(source.pipe(fillerAfter({ ms: 3 })), "^----!").toBe("a--f-", {
          a: text("a"),
          f: filler,
        });
        expectSubscriptions(source.subscriptions).toBe("^----!");
      });
    });
  });

  describe("values", () => {
    it("passes AgentResponse text chunks through as the same object", () => {
      const input = new Subject<AgentResponse>();
      const out: unknown[] = [];
      input.pipe(fillerAfter()).subscribe((v) => out.push(v));
      const chunk = text("Hello");
      input.next(chunk);
      expect(out[0]).toBe(chunk);
    });

    it("turns strings into AgentResponse and passes non-text chunks through unchanged", () => {
      const input = new Subject<string | AgentResponse>();
      const out: unknown[] = [];
      input.pipe(fillerAfter()).subscribe((v) => out.push(v));
      const audio = new AgentResponse({ content: "x", chunkType: "audio" });
      input.next("Hi");
      input.next(audio);
      expect(out).toEqual([text("Hi"), audio]);
      expect(out[1]).toBe(audio);
    });

    it("never emits a blank chunk: whitespace joins the next text chunk", () => {
      const input = new Subject<string>();
      const out: string[] = [];
      input.pipe(fillerAfter()).subscribe((v) => out.push(v.content));
      input.next("Hi.");
      input.next(" ");
      input.next("");
      input.next("\n");
      input.next("Bye.");
      input.next("  ");
      input.complete();
      expect(out).toEqual(["Hi.", " \nBye."]);
    });
  });

  describe("timers", () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    function subscribe(source: Observable<string>, options: FillerAfterOptions = {}) {
      const out: string[] = [];
      const events: string[] = [];
      const subscription = source.pipe(fillerAfter(options)).subscribe({
        next: (v) => out.push(v.content),
        error: () => events.push("error"),
        complete: () => events.push("complete"),
      });
      return { out, events, subscription };
    }

    it("says the filler after 1500 ms by default", () => {
      const { out } = subscribe(NEVER);
      vi.advanceTimersByTime(1499);
      expect(out).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(out).toEqual(["One moment."]);
    });

    it("leaves no timer once unsubscribed", () => {
      const { subscription } = subscribe(NEVER);
      expect(vi.getTimerCount()).toBe(1);
      subscription.unsubscribe();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(10_000);
    });

    it("leaves no timer once the source completes", () => {
      const input = new Subject<string>();
      const { events } = subscribe(input);
      input.next("Hi");
      expect(vi.getTimerCount()).toBe(1);
      input.complete();
      expect(events).toEqual(["complete"]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("leaves no timer once the source fails", () => {
      const input = new Subject<string>();
      const { events } = subscribe(input);
      input.error(new Error("boom"));
      expect(events).toEqual(["error"]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("leaves no timer once maxTimes fillers were said", () => {
      const { out } = subscribe(NEVER, { ms: 100, maxTimes: 2 });
      vi.advanceTimersByTime(1000);
      expect(out).toEqual(["One moment.", "One moment."]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("keeps one timer however many chunks arrive", () => {
      const input = new Subject<string>();
      subscribe(input);
      for (let i = 0; i < 50; i += 1) input.next(`chunk ${i}`);
      expect(vi.getTimerCount()).toBe(1);
    });
  });
});
