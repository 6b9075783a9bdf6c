import { first, take, takeUntil, takeWhile, timer } from "rxjs";
import { describe, expect, it } from "vitest";
import { Bridge } from "./bridge.js";
import { Bus } from "./bus.js";
import { AgentResponse, UserStoppedSpeaking } from "./events.js";
import { Message } from "./message.js";
import type { OperatorFunction } from "rxjs";

/** As good as forever: a generator that got this far was not closed by the operator. */
const FOREVER = 100_000;

/** A route whose generator yields "a", "b", "c", … forever, recording how far it got. */
async function run(operator: OperatorFunction<AgentResponse, AgentResponse>) {
  const state = { yielded: [] as string[], closed: false, heard: [] as string[] };
  let routeDone!: () => void;
  const done = new Promise<void>((resolve) => (routeDone = resolve));
  const bus = new Bus();
  const agent = new Bridge("agent");
  agent
    .on(UserStoppedSpeaking)
    .stream(async function* () {
      try {
        for (let i = 0; i < FOREVER; i++) {
          const word = String.fromCharCode(97 + (i % 26));
          state.yielded.push(word);
          yield new AgentResponse({ content: word });
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        state.closed = true;
        routeDone();
      }
    })
    .pipe(operator)
    .broadcast();
  const user = new Bridge("user");
  user.on(AgentResponse).map((m) => state.heard.push(m.event.content));
  bus.registerBridge("agent", agent).registerBridge("user", user);
  await bus.start();
  await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
  await done;
  await bus.close();
  return state;
}

describe("an operator in .pipe() that completes early (issue 10)", () => {
  const isText = (v: unknown): v is AgentResponse => v instanceof AgentResponse;
  it.each([
    ["take(2)", take(2)],
    ["first()", first()],
    ["takeWhile(< c)", takeWhile((v: unknown) => isText(v) && v.content < "c")],
    ["takeUntil(a later signal)", takeUntil(timer(30))],
  ] as const)("%s closes the generator at once", async (_name, operator) => {
    const state = await run(operator as OperatorFunction<AgentResponse, AgentResponse>);
    expect(state.closed).toBe(true);
    // At most one value past the last delivered one was pulled: the generator did not run on.
    expect(state.yielded.length).toBeLessThanOrEqual(state.heard.length + 2);
    expect(state.yielded.length).toBeLessThan(FOREVER);
  });

  it("keeps what was delivered", async () => {
    const state = await run(take(2));
    expect(state.heard).toEqual(["a", "b"]);
  });
});
