import {
  AgentResponse,
  Authorize,
  Bridge,
  Bus,
  createLogger,
  type RouteFailure,
} from "@switchboard/core";
import type { InputPort, OutputFrame, Transport, TransportEnd } from "@switchboard/protocol";
import { describe, expect, it } from "vitest";
import { SYSTEM_SOURCE, UserBridge } from "./user-bridge.js";

/** A transport at the far edge: keeps what is sent, and refuses a frame whose content is "boom". */
class RecordingTransport implements Transport {
  readonly sent: OutputFrame[] = [];
  readonly ended = new Promise<TransportEnd>(() => {});
  connectInput(_port: InputPort): void {}
  send(frame: OutputFrame): boolean {
    if (frame.type === "message" && frame.content === "boom") throw new Error("socket gone");
    this.sent.push(frame);
    return true;
  }
  async close(): Promise<void> {}
}

async function setUp() {
  const transport = new RecordingTransport();
  const bus = new Bus({ logger: createLogger({ level: "silent" }) });
  const user = new UserBridge(transport, "agent", createLogger({ level: "silent" }));
  const agent = new Bridge("agent");
  const system = new Bridge(SYSTEM_SOURCE);
  bus.registerBridge("user", user).registerBridge("agent", agent).registerBridge("system", system);
  const failures: RouteFailure[] = [];
  bus.errors$.subscribe((failure) => failures.push(failure));
  await bus.start();
  return { transport, bus, user, agent, system, failures };
}

describe("UserBridge output", () => {
  it("a frame the transport fails to send is reported, and the call goes on", async () => {
    const { transport, agent, failures, bus } = await setUp();
    await agent.publish(new AgentResponse({ content: "boom" }));
    await agent.publish(new AgentResponse({ content: "after" }));
    expect(transport.sent).toEqual([{ type: "message", content: "after" }]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ bridge: "user", route: "output" });
    expect(String(failures[0]?.error)).toContain("socket gone");
    await bus.close();
  });

  it("sends only the speaker's events, and follows an Authorize from the system", async () => {
    const { transport, agent, system, bus } = await setUp();
    const billing = new Bridge("billing");
    bus.registerBridge("billing", billing);
    await billing.publish(new AgentResponse({ content: "not yet" }));
    await agent.publish(new AgentResponse({ content: "agent speaks" }));
    await system.publish(new Authorize({ agent: "billing" }));
    await agent.publish(new AgentResponse({ content: "no longer" }));
    await billing.publish(new AgentResponse({ content: "billing speaks" }));
    expect(transport.sent.map((f) => (f.type === "message" ? f.content : f.type))).toEqual([
      "agent speaks",
      "billing speaks",
    ]);
    await bus.close();
  });

  it("sends nothing once the bridge is closed", async () => {
    const { transport, agent, user, bus } = await setUp();
    await user.close();
    await agent.publish(new AgentResponse({ content: "late" }));
    expect(transport.sent).toEqual([]);
    await bus.close();
  });
});
