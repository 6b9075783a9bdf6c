import { Bridge, UserStartedSpeaking, UserStoppedSpeaking } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { afterEach, describe, expect, it } from "vitest";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";
import type { SystemDescription } from "./voice-agent-system.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

describe("VoiceAgentSystem", () => {
  describe("#describe", () => {
    it("returns the bridges, their routes and control rules, and the node that may speak", async () => {
      let described!: (value: SystemDescription) => void;
      const description = new Promise<SystemDescription>((resolve) => (described = resolve));
      testApp = await startTestApp(async (system) => {
        const node = new ScriptedNode("agent", async function* () {
          yield "Hi.";
        });
        const bridge = new Bridge(node);
        bridge
          .on(UserStoppedSpeaking)
          .interruptOn(UserStartedSpeaking, node.onInterruptGenerate)
          .stream(node.generate)
          .broadcast();
        system.withSpeakingNode(node, bridge);
        await system.start();
        described(system.describe());
      });
      const client = await HarnessClient.connect(testApp.wsUrl);
      const { bridges, speakingNodeId } = await description;
      await client.close();

      expect(speakingNodeId).toBe("agent");
      const agent = bridges.find((b) => b.name === "agent");
      expect(agent).toEqual({
        name: "agent",
        nodeId: "agent",
        authorized: null,
        routes: [
          {
            id: expect.any(String) as string,
            trigger: "UserStoppedSpeaking",
            concurrency: "merge",
            controls: [{ kind: "interrupt", event: "UserStartedSpeaking" }],
            steps: [
              { kind: "stream", name: expect.stringContaining("generate") as string },
              { kind: "broadcast" },
            ],
          },
        ],
      });
      // The user bridge hears only the speaker and the system: it checks the speaker in its send
      // path (`userBridge.speaker`, reported as speakingNodeId), not through an authorize set.
      expect(bridges.find((b) => b.name === "user")?.authorized).toBeNull();
      expect(speakingNodeId).toBe("agent");
      // Plain data: it survives JSON unchanged (the playground receives it that way).
      expect(JSON.parse(JSON.stringify(bridges))).toEqual(bridges);
    });
  });
});
