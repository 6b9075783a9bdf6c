import { describe, expect, it } from "vitest";
import { Message } from "../message.js";
import { Generation } from "./generation.js";
import { GenerationSet } from "./generation-set.js";

const generation = () => new Generation(new Message({ source: "test", event: {} }));

describe("GenerationSet", () => {
  it("keeps its members once each, in the order they were added, across deletes", () => {
    const set = new GenerationSet();
    const [a, b, c, d] = [generation(), generation(), generation(), generation()];
    set.add(a);
    set.add(a);
    set.add(b);
    set.add(c);
    expect([...set]).toEqual([a, b, c]);
    expect(set.size).toBe(3);
    expect(set.delete(a)).toBe(true);
    expect(set.delete(a)).toBe(false);
    // `a`'s slot is free, but `d` is newer than `b` and `c`: it comes after them.
    set.add(d);
    expect([...set]).toEqual([b, c, d]);
    expect(set.delete(c)).toBe(true);
    expect([...set]).toEqual([b, d]);
    expect(set.size).toBe(2);
  });

  it("is empty after its last member leaves, and after clear", () => {
    const set = new GenerationSet();
    const [a, b] = [generation(), generation()];
    set.add(a);
    expect(set.delete(a)).toBe(true);
    expect(set.size).toBe(0);
    expect([...set]).toEqual([]);
    set.add(a);
    set.add(b);
    set.clear();
    expect(set.size).toBe(0);
    expect([...set]).toEqual([]);
    expect(set.delete(b)).toBe(false);
  });
});
