import { describe, expect, it } from "vitest";
import { SwitchboardError } from "./errors.js";
import { eventAlias, eventClassFor, registerEvent } from "./event-registry.js";
import { AgentResponse } from "./events.js";

class PaymentReceived {
  readonly amount: number;
  constructor(init: { amount: number }) {
    this.amount = init.amount;
  }
}

describe("registerEvent", () => {
  it("gives a custom event an alias", () => {
    registerEvent("billing.payment_received", PaymentReceived);
    expect(eventAlias(new PaymentReceived({ amount: 3 }))).toBe("billing.payment_received");
    expect(eventClassFor("billing.payment_received")).toBe(PaymentReceived);
  });

  it("throws when one class is registered twice", () => {
    class Twice {}
    registerEvent("test.twice", Twice);
    expect(() => registerEvent("test.twice_again", Twice)).toThrow(SwitchboardError);
    expect(() => registerEvent("test.twice", Twice)).toThrow(/already registered/);
  });

  it("throws when an alias is taken by another class", () => {
    class Other {}
    expect(() => registerEvent("agent.response", Other)).toThrow(/agent\.response/);
    expect(eventClassFor("agent.response")).toBe(AgentResponse);
  });

  it("gives a subclass its nearest registered ancestor's alias", () => {
    class FancyResponse extends AgentResponse {}
    expect(eventAlias(new FancyResponse({ content: "x" }))).toBe("agent.response");
    expect(eventAlias({})).toBeUndefined();
  });
});
