import { describe, expect, it } from "vitest";
import {
  AgentResponse,
  ToolCall,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "../events.js";
import { compileSelector } from "./event-selector.js";

describe("compileSelector", () => {
  it("shares one matcher per event class, alias and glob: every session's routes hold the same one", () => {
    expect(compileSelector(UserStoppedSpeaking)).toBe(compileSelector(UserStoppedSpeaking));
    expect(compileSelector("user.stopped_speaking")).toBe(compileSelector("user.stopped_speaking"));
    expect(compileSelector("user.*")).toBe(compileSelector("user.*"));
    expect(compileSelector("*")).toBe(compileSelector("*"));
    expect(compileSelector(UserStoppedSpeaking)).not.toBe(compileSelector(UserStartedSpeaking));
    // Shared, so nobody can change one route's matcher under another's feet.
    expect(Object.isFrozen(compileSelector(UserStoppedSpeaking))).toBe(true);
  });

  it("matches by class, alias, glob and `*` as before", () => {
    const stopped = new UserStoppedSpeaking();
    const said = new UserTranscriptionReceived({ content: "hi" });
    expect(compileSelector(UserStoppedSpeaking).matches(stopped)).toBe(true);
    expect(compileSelector(UserStoppedSpeaking).matches(said)).toBe(false);
    expect(compileSelector("user.stopped_speaking").matches(stopped)).toBe(true);
    expect(compileSelector("user.stopped_speaking").matches(said)).toBe(false);
    expect(compileSelector("user.*").matches(said)).toBe(true);
    expect(compileSelector("user.*").matches(new AgentResponse({ content: "x" }))).toBe(false);
    expect(compileSelector("user.?topped_speaking").matches(stopped)).toBe(true);
    expect(compileSelector("*").matches({})).toBe(true);
    expect(compileSelector("user.*").description).toBe("user.*");
    expect(compileSelector(UserStoppedSpeaking).description).toBe("UserStoppedSpeaking");
  });

  it("gives a `where` clause its own matcher on the shared one", () => {
    const handoffs = compileSelector(ToolCall, {
      toolName: (name: string) => name.startsWith("transfer_to_"),
    });
    const weather = compileSelector(ToolCall, { toolName: "get_weather" });
    expect(handoffs).not.toBe(weather);
    expect(handoffs.description).toBe("ToolCall");
    const call = (toolName: string) => new ToolCall({ toolName, toolCallId: "c1" });
    expect(handoffs.matches(call("transfer_to_billing"))).toBe(true);
    expect(handoffs.matches(call("get_weather"))).toBe(false);
    expect(weather.matches(call("get_weather"))).toBe(true);
    expect(weather.matches(new UserStoppedSpeaking())).toBe(false);
    // The shared matcher is untouched by either clause.
    expect(compileSelector(ToolCall).matches(call("get_weather"))).toBe(true);
  });
});
