import type { Server } from "node:http";
import type { Bridge } from "@switchboard/core";
import { type Tool } from "@switchboard/core";
import { describe, expectTypeOf, it } from "vitest";
import type { SystemDescription, VoiceAgentApp, VoiceAgentAppOptions } from "./index.js";
import {
  ConversationHarness,
  createUserBridge,
  endCall,
  handoffTool,
  type CallRequest,
  type OutputFrame,
  type ShutdownReason,
  type VoiceAgentSystem,
} from "./index.js";

describe("@switchboard/server public types", () => {
  it("VoiceAgentApp#attach mounts on a node:http Server and resolves once attached", () => {
    expectTypeOf<VoiceAgentApp["attach"]>().parameters.toEqualTypeOf<[Server]>();
    expectTypeOf<VoiceAgentApp["attach"]>().returns.toEqualTypeOf<Promise<void>>();
  });

  it("createUserBridge returns a Bridge", () => {
    expectTypeOf(createUserBridge).returns.toExtend<Bridge>();
  });

  it("output frames are a discriminated union", () => {
    expectTypeOf<Extract<OutputFrame, { type: "transfer" }>>().toEqualTypeOf<
      { type: "transfer"; target_phone_number: string } & { generation_id?: string }
    >();
    // @ts-expect-error a message frame needs content
    const bad: OutputFrame = { type: "message" };
    void bad;
  });

  it("the handler gets the system and the camelCased call request", () => {
    expectTypeOf<ConstructorParameters<typeof VoiceAgentApp>[0]>().parameters.toEqualTypeOf<
      [VoiceAgentSystem, CallRequest]
    >();
    expectTypeOf<CallRequest["agent"]>().toEqualTypeOf<{
      systemPrompt: string;
      introduction: string;
    }>();
  });

  it("system tools are core tools", () => {
    expectTypeOf(endCall).toExtend<Tool<{ goodbye_message?: string | undefined }>>();
    expectTypeOf(handoffTool("billing")).toExtend<Tool>();
    expectTypeOf<ReturnType<VoiceAgentSystem["waitForShutdown"]>>().toEqualTypeOf<
      Promise<ShutdownReason>
    >();
    expectTypeOf(ConversationHarness.prototype.send).parameter(0).toEqualTypeOf<OutputFrame>();
  });

  it("describe() is the topology as data, and the playground is an opt-in boolean", () => {
    expectTypeOf<ReturnType<VoiceAgentSystem["describe"]>>().toEqualTypeOf<SystemDescription>();
    expectTypeOf<SystemDescription["speakingNodeId"]>().toEqualTypeOf<string | undefined>();
    type Route = SystemDescription["bridges"][number]["routes"][number];
    expectTypeOf<Route["controls"][number]["kind"]>().toEqualTypeOf<
      "interrupt" | "suspend" | "resume"
    >();
    expectTypeOf<SystemDescription["bridges"][number]["authorized"]>().toEqualTypeOf<
      string[] | null
    >();
    expectTypeOf<VoiceAgentAppOptions["playground"]>().toEqualTypeOf<boolean | undefined>();
  });
});
