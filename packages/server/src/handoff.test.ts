import { AgentHandoff, Authorize, Bridge, ToolCall } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode, type Script } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { VoiceAgentSystem } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
});

/** Front desk hands off with `handoff` when the user mentions an invoice; billing answers from then on. */
async function twoAgentApp(handoff: (target: string) => object) {
  let system!: VoiceAgentSystem;
  const frontDesk: Script = async function* (ctx) {
    const said = ctx.getLatestUserTranscriptMessage() ?? "";
    if (said.includes("invoice")) {
      yield "Let me get billing. ";
      yield handoff("billing");
      return;
    }
    yield `Front desk: ${said}`;
  };
  const billing: Script = async function* (ctx) {
    yield `Billing: ${ctx.getLatestUserTranscriptMessage() ?? ""}`;
  };
  testApp = await startTestApp(async (sys) => {
    system = sys;
    const a = new ScriptedNode("front-desk", frontDesk);
    const b = new ScriptedNode("billing", billing);
    const aBridge = new Bridge(a);
    aBridge.conversation(a);
    const bBridge = new Bridge(b);
    bBridge.conversation(b);
    // The new speaker picks up the conversation as soon as it is authorized.
    bBridge
      .on(Authorize, { where: { agent: "billing" } })
      .stream(b.generate)
      .broadcast();
    sys.withSpeakingNode(a, aBridge).withNode(b, bBridge);
    await sys.start();
    await sys.waitForShutdown();
  });
  return { wsUrl: testApp.wsUrl, system: () => system };
}

describe("handoff between two nodes", () => {
  it.each([
    [
      "a transfer_to_<agent> tool call",
      (target: string) => new ToolCall({ toolName: `transfer_to_${target}`, toolCallId: "call_h" }),
    ],
    [
      "an AgentHandoff event",
      (target: string) => new AgentHandoff({ targetAgent: target, reason: "invoice" }),
    ],
  ])("makes the target the only speaker after %s", async (_name, handoff) => {
    const { wsUrl, system } = await twoAgentApp(handoff);
    const client = await HarnessClient.connect(wsUrl);

    await client.say("hello");
    expect((await client.reply()).text).toBe("Front desk: hello");
    expect(system().speakingNodeId).toBe("front-desk");

    await client.say("I have a question about my invoice");
    const handedOff = await client.reply();
    expect(handedOff.chunks).toEqual([
      "Let me get billing. ",
      "Billing: I have a question about my invoice",
    ]);
    expect(system().speakingNodeId).toBe("billing");

    // Both nodes still hear the user, but only billing reaches them.
    await client.say("how much do I owe");
    const answer = await client.reply();
    expect(answer.text).toBe("Billing: how much do I owe");
    expect(
      client.frames.filter(
        (f) => f.type === "message" && f.content.startsWith("Front desk: how much"),
      ),
    ).toEqual([]);
    await client.close();
  });

  it("reports a handoff to an unknown agent with an error frame and keeps the speaker", async () => {
    const { wsUrl, system } = await twoAgentApp(() => new AgentHandoff({ targetAgent: "nobody" }));
    const client = await HarnessClient.connect(wsUrl);
    await client.say("my invoice");
    expect(await client.waitFor((f) => f.type === "error")).toEqual({
      type: "error",
      content: "The agent hit an error",
      code: "UNKNOWN_AGENT",
      correlation_id: expect.any(String) as unknown,
    });
    expect(system().speakingNodeId).toBe("front-desk");
    await client.close();
  });

  it("ignores a transfer_to_<agent> tool call from a node the user does not hear", async () => {
    let system!: VoiceAgentSystem;
    testApp = await startTestApp(async (sys) => {
      system = sys;
      const speaker = new ScriptedNode("front-desk", async function* () {
        yield "Front desk here.";
      });
      const sneaky = new ScriptedNode("sneaky", async function* () {
        yield new ToolCall({ toolName: "transfer_to_sneaky" });
      });
      const speakerBridge = new Bridge(speaker);
      speakerBridge.conversation(speaker);
      const sneakyBridge = new Bridge(sneaky);
      sneakyBridge.conversation(sneaky);
      sys.withSpeakingNode(speaker, speakerBridge).withNode(sneaky, sneakyBridge);
    });
    const client = await HarnessClient.connect(testApp.wsUrl);
    await client.say("hi");
    await client.reply();
    await client.say("hi again");
    expect((await client.reply()).text).toBe("Front desk here.");
    expect(system.speakingNodeId).toBe("front-desk");
    expect(client.frames.filter((f) => f.type === "tool_call")).toEqual([]);
    await client.close();
  });
});
