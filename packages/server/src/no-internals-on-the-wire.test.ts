import { Writable } from "node:stream";
import { AgentError, Bridge, ToolRegistry, defineTool } from "@switchboard/core";
import { HarnessClient } from "@switchboard/testing";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ScriptedNode } from "./internal/test-scripted-node.js";
import { startTestApp, type TestApp } from "./internal/test-app.js";

let testApp: TestApp | undefined;
afterEach(async () => {
  await testApp?.app.close();
  testApp = undefined;
});

const PATH = "/srv/switchboard/agents/billing/secret-config.json";

const readConfig = defineTool({
  name: "read_config",
  description: "reads a file",
  parameters: z.object({}),
  execute: () => {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${PATH}'`), {
      code: "ENOENT",
    });
  },
});

describe("internals never reach the caller", () => {
  it("sends generic coded errors with a correlation id, and logs the detail under it, while a canary call goes on", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "info" },
      new Writable({
        write(chunk: Buffer, _encoding, next) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          next();
        },
      }),
    );
    const tools = new ToolRegistry([readConfig], { logger });
    testApp = await startTestApp(
      (system, call) => {
        const node = new ScriptedNode("agent", async function* (ctx) {
          const said = ctx.getLatestUserTranscriptMessage() ?? "";
          if (call.callId === "canary") {
            yield `ok ${said}`;
          } else if (said.endsWith("throw")) {
            throw new Error(`cannot open ${PATH}`);
          } else if (said.endsWith("tool")) {
            const results = await tools.execute([{ id: "t1", name: "read_config", arguments: "" }]);
            yield* results;
            yield "done";
          } else if (said.endsWith("provider")) {
            yield new AgentError({
              error: "401 Incorrect API key provided: sk-proj-ab**********************wxyz.",
              code: "LLM_ERROR",
            });
          }
        });
        const bridge = new Bridge(node);
        bridge.conversation(node);
        system.withSpeakingNode(node, bridge);
      },
      { logger },
    );
    const canary = await HarnessClient.connect(`${testApp.wsUrl}?call_id=canary`);
    const caller = await HarnessClient.connect(`${testApp.wsUrl}?call_id=caller`);

    for (const [said, code] of [
      ["throw", "ROUTE_FAILED"],
      ["provider", "LLM_ERROR"],
    ] as const) {
      const since = caller.frames.length;
      await caller.say(said);
      const frame = await caller.waitFor((f) => f.type === "error", { since });
      const { generation_id: _generation, ...fields } = frame;
      expect(fields).toEqual({
        type: "error",
        content: "The agent hit an error",
        code,
        correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      });
      const logged = lines.find(
        (l) => frame.type === "error" && l["correlationId"] === frame.correlation_id,
      );
      expect(logged).toMatchObject({ msg: "agent error sent to the caller", code });
      await canary.say(said);
      expect((await canary.reply()).text).toBe(`ok ${said}`);
    }

    await caller.say("tool");
    const toolFrame = await caller.waitFor((f) => f.type === "tool_call" && "result" in f);
    expect(toolFrame).toMatchObject({
      type: "tool_call",
      name: "read_config",
      result: "Error: ENOENT: no such file or directory, open '<path>'",
    });

    const wire = JSON.stringify(caller.frames);
    expect(wire).not.toContain("/srv/");
    expect(wire).not.toContain("sk-proj");
    expect(wire).not.toMatch(/\bat .*:\d+:\d+/); // no stack frames
    // The detail is in the log, for the operator.
    expect(JSON.stringify(lines)).toContain(PATH);
    await canary.close();
    await caller.close();
  });
});
