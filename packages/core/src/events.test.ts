import { describe, expect, it } from "vitest";
import { eventAlias, eventClassFor } from "./event-registry.js";
import {
  AgentError,
  AgentGenerationComplete,
  AgentHandoff,
  AgentResponse,
  AgentSpeechSent,
  AgentStartedSpeaking,
  AgentStoppedSpeaking,
  Authorize,
  DTMFInputEvent,
  DTMFOutputEvent,
  EndCall,
  LogMetric,
  ToolCall,
  ToolResult,
  TransferCall,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
  UserUnknownInputReceived,
  UserBackchannel,
  AgentPaused,
  AgentResumed,
} from "./events.js";

describe("events", () => {
  it.each([
    [UserStartedSpeaking, "user.started_speaking"],
    [UserStoppedSpeaking, "user.stopped_speaking"],
    [UserTranscriptionReceived, "user.transcription"],
    [UserUnknownInputReceived, "user.unknown_input"],
    [AgentStartedSpeaking, "agent.started_speaking"],
    [AgentStoppedSpeaking, "agent.stopped_speaking"],
    [AgentSpeechSent, "agent.speech_sent"],
    [AgentResponse, "agent.response"],
    [AgentGenerationComplete, "agent.generation_complete"],
    [AgentError, "agent.error"],
    [ToolCall, "tool.call"],
    [ToolResult, "tool.result"],
    [EndCall, "call.end"],
    [TransferCall, "call.transfer"],
    [AgentHandoff, "agent.handoff"],
    [Authorize, "system.authorize"],
    [LogMetric, "log.metric"],
    [DTMFInputEvent, "dtmf.input"],
    [DTMFOutputEvent, "dtmf.output"],
    [UserBackchannel, "user.backchannel"],
    [AgentPaused, "agent.paused"],
    [AgentResumed, "agent.resumed"],
  ] as const)("registers %o as %s", (cls, alias) => {
    expect(eventAlias(cls)).toBe(alias);
    expect(eventClassFor(alias)).toBe(cls);
  });

  it("builds field-less events with no arguments", () => {
    for (const cls of [
      UserStartedSpeaking,
      UserStoppedSpeaking,
      AgentStartedSpeaking,
      AgentStoppedSpeaking,
      EndCall,
    ]) {
      const event = new cls();
      expect(event).toBeInstanceOf(cls);
      expect(eventAlias(event)).toBeDefined();
    }
  });

  it("keeps the fields of text events", () => {
    expect(new UserTranscriptionReceived({ content: "hi" }).content).toBe("hi");
    expect(new AgentSpeechSent({ content: "Hello, how" }).content).toBe("Hello, how");
    expect(new UserUnknownInputReceived({ inputData: { raw: 1 } }).inputData).toEqual({ raw: 1 });
    expect(new DTMFInputEvent({ button: "5" }).button).toBe("5");
    expect(new DTMFOutputEvent({ button: "#" }).button).toBe("#");
    expect(new Authorize({ agent: "billing" }).agent).toBe("billing");
    expect(new LogMetric({ name: "ttfc_ms", value: 312 })).toMatchObject({
      name: "ttfc_ms",
      value: 312,
    });
  });

  it("makes an AgentResponse interruptible unless it says otherwise", () => {
    expect(new AgentResponse({ content: "Hi" }).interruptible).toBe(true);
    expect(new AgentResponse({ content: "Terms apply.", interruptible: false }).interruptible).toBe(
      false,
    );
  });

  it("defaults AgentResponse.chunkType to text and leaves interrupted unset", () => {
    const r = new AgentResponse({ content: "Hi" });
    expect(r).toMatchObject({ content: "Hi", chunkType: "text", interrupted: undefined });
    expect(new AgentResponse({ content: "x", chunkType: "ssml", interrupted: true })).toMatchObject(
      {
        chunkType: "ssml",
        interrupted: true,
      },
    );
  });

  it("gives AgentGenerationComplete optional counters", () => {
    expect(new AgentGenerationComplete()).toMatchObject({
      totalLength: undefined,
      chunkCount: undefined,
    });
    expect(
      new AgentGenerationComplete({ totalLength: 42, chunkCount: 5, interrupted: false }),
    ).toMatchObject({
      totalLength: 42,
      chunkCount: 5,
      interrupted: false,
    });
  });

  it("takes AgentError's error as a string or an Error", () => {
    expect(new AgentError({ error: "boom", code: "LLM_ERROR" })).toMatchObject({
      error: "boom",
      code: "LLM_ERROR",
    });
    expect(new AgentError({ error: new Error("bad") }).error).toBe("bad");
  });

  it("defaults ToolCall.toolArgs to {} and generates distinct toolCallIds", () => {
    const a = new ToolCall({ toolName: "get_weather" });
    const b = new ToolCall({ toolName: "get_weather" });
    expect(a.toolArgs).toEqual({});
    expect(a.toolCallId).toMatch(/^call_\w+$/);
    expect(a.toolCallId).not.toBe(b.toolCallId);
    expect(
      new ToolCall({ toolName: "x", toolArgs: { city: "Paris" }, toolCallId: "c1" }),
    ).toMatchObject({
      toolArgs: { city: "Paris" },
      toolCallId: "c1",
    });
  });

  it("derives ToolResult.success and resultStr", () => {
    const ok = new ToolResult({
      toolName: "w",
      toolArgs: {},
      result: { tempC: 21 },
      toolCallId: "c1",
    });
    expect(ok.success).toBe(true);
    expect(ok.resultStr).toBe('{"tempC":21}');
    expect(new ToolResult({ toolName: "w", toolArgs: {}, result: "sunny" }).resultStr).toBe(
      "sunny",
    );
    const failed = new ToolResult({ toolName: "w", toolArgs: {}, error: "timeout" });
    expect(failed.success).toBe(false);
    expect(failed.resultStr).toContain("timeout");
  });

  it("defaults TransferCall.timeoutS to 30 and AgentHandoff.reason to empty", () => {
    expect(new TransferCall({ targetPhoneNumber: "+15551234567" })).toMatchObject({
      targetPhoneNumber: "+15551234567",
      timeoutS: 30,
    });
    expect(new TransferCall({ targetPhoneNumber: "+1", timeoutS: 5 }).timeoutS).toBe(5);
    expect(new AgentHandoff({ targetAgent: "billing" })).toMatchObject({
      targetAgent: "billing",
      reason: "",
    });
    expect(new AgentHandoff({ targetAgent: "b", reason: "payment" }).reason).toBe("payment");
  });
});
