import { ROOT_CONTEXT, trace, type Context } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { Bridge } from "../bridge.js";
import { Bus } from "../bus.js";
import { Message } from "../message.js";
import { UserStoppedSpeaking } from "../events.js";
import type { ConversationContext } from "./conversation-context.js";
import { ReasoningNode } from "./reasoning-node.js";

/** Hands out the trace context each generation gave its model. */
class Capturing extends ReasoningNode {
  readonly contexts: (Context | undefined)[] = [];
  constructor() {
    super({ systemPrompt: "test", nodeId: "agent" });
  }
  protected override async *processContext(context: ConversationContext) {
    this.contexts.push(context.traceContext);
    yield "Hi.";
  }
}

async function generateUnder(traceContext: Context): Promise<Context | undefined> {
  const node = new Capturing();
  const bus = new Bus({ traceContext });
  bus.registerBridge("agent", new Bridge(node));
  await bus.start();
  for await (const _ of node.generate(
    new Message({ source: "user", event: new UserStoppedSpeaking() }),
  )) {
    // consume
  }
  await bus.close();
  return node.contexts[0];
}

describe("generation spans without an SDK", () => {
  it("hand a remote parent's span context on to the model: the trace propagates", async () => {
    const remote = trace.wrapSpanContext({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    });
    const handed = await generateUnder(trace.setSpan(ROOT_CONTEXT, remote));
    expect(trace.getSpanContext(handed!)).toEqual(remote.spanContext());
  });

  it("leave a context without a span as it is: a no-op span with no valid context adds nothing", async () => {
    const handed = await generateUnder(ROOT_CONTEXT);
    expect(handed).toBe(ROOT_CONTEXT);
    expect(trace.getSpan(handed!)).toBeUndefined();
  });
});
