import { Bridge, registerEvent } from "@switchboard/core";

/** Custom events are plain classes that take one init object. */
export class PaymentReceived {
  readonly amount: number;
  constructor(init: { amount: number }) {
    this.amount = init.amount;
  }
}
export class PaymentFailed {
  readonly reason: string;
  constructor(init: { reason: string }) {
    this.reason = init.reason;
  }
}

// An alias makes an event matchable by glob. Registering a class twice throws.
registerEvent("billing.payment_received", PaymentReceived);
registerEvent("billing.payment_failed", PaymentFailed);

const audit = new Bridge("audit");
audit.on("billing.*").map((m) => console.log("billing event from", m.source, m.event));
audit.on(PaymentReceived, { where: { amount: (a) => a > 1000 } }).map((m) => m.event.amount);
