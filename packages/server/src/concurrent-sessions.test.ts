import { setTimeout as delay } from "node:timers/promises";
import { Bridge } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

describe("two concurrent sessions", () => {
  it("are isolated: own history, own stream, an interrupt or hang-up in one leaves the other alone", async () => {
    const nodes = new Map<string, ScriptedNode>();
    testApp = await startTestApp(async (system, call) => {
      // Each call streams `<call>:<said>:<i> ` slowly, so the two streams overlap on the wire.
      const node = new ScriptedNode("agent", async function* (ctx) {
        const said = ctx.getLatestUserTranscriptMessage() ?? "";
        const count = said === "long" ? 2000 : 5;
        for (let i = 0; i < count && !ctx.signal.aborted; i++) {
          yield `${call.callId}:${said}:${i} `;
          await delay(1);
        }
      });
      nodes.set(call.callId, node);
      const bridge = new Bridge(node);
      bridge.conversation(node);
      system.withSpeakingNode(node, bridge);
    });
    const a = await HarnessClient.connect(`${testApp.wsUrl}?call_id=A`);
    const b = await HarnessClient.connect(`${testApp.wsUrl}?call_id=B`);

    // A streams a long answer while B has short turns.
    await a.say("long");
    await a.waitFor((f) => f.type === "message" && f.content === "A:long:3 ");
    await b.say("one");
    const bFirst = await b.reply();
    expect(bFirst.text).toBe("B:one:0 B:one:1 B:one:2 B:one:3 B:one:4 ");

    // Interrupting A does not touch B's next turn.
    await a.interrupt();
    await b.say("two");
    await a.say("short");
    const [aReply, bSecond] = await Promise.all([a.reply(), b.reply()]);
    expect(bSecond.text).toBe("B:two:0 B:two:1 B:two:2 B:two:3 B:two:4 ");
    expect(aReply.text.endsWith("A:short:4 ")).toBe(true);

    // Nothing crossed over.
    const contents = (client: HarnessClient) =>
      client.frames.flatMap((f) => (f.type === "message" ? [f.content] : []));
    expect(contents(a).every((c) => c.startsWith("A:"))).toBe(true);
    expect(contents(b).every((c) => c.startsWith("B:"))).toBe(true);
    expect(
      nodes.get("B")?.conversationEvents.map((e) => (e as { content: string }).content),
    ).toEqual(["one", bFirst.text, "two", bSecond.text]);

    // A hangs up; B goes on.
    await a.close();
    await b.say("three");
    expect((await b.reply()).text).toBe("B:three:0 B:three:1 B:three:2 B:three:3 B:three:4 ");
    await b.close();
  });
});
