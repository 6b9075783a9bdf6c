import {
  AgentResponse,
  Bridge,
  Bus,
  Message,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { FakeOpenAIServer } from "@switchboard/testing";
import { take } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import { OpenAIChat, OpenAIChatNode } from "@switchboard/openai";

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe("take(n) after .stream(node.generate) (issue 10)", () => {
  it("aborts the model's request and keeps only what was delivered in the history", async () => {
    server = await FakeOpenAIServer.start();
    server.enqueue({ content: "one two three four five six", stallAfterChunks: 4 });
    const node = new OpenAIChatNode({
      nodeId: "agent",
      systemPrompt: "Be brief.",
      llm: new OpenAIChat({ model: "m", apiKey: "k", baseURL: server.baseURL }),
    });
    node.addEvent(new UserTranscriptionReceived({ content: "count" }));
    const bus = new Bus();
    const agent = new Bridge(node);
    agent.on(UserStoppedSpeaking).stream(node.generate).pipe(take<object>(2)).broadcast();
    const heard: string[] = [];
    const user = new Bridge("user");
    user.on(AgentResponse).map((m) => heard.push(m.event.content));
    bus.registerBridge("agent", agent).registerBridge("user", user);
    await bus.start();
    await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
    await server.waitForClientAbort(0);
    await bus.close();
    expect(heard).toEqual(["one", " two"]);
    const turn = node.conversationEvents.at(-1);
    expect(turn).toBeInstanceOf(AgentResponse);
    expect("one two").toContain((turn as AgentResponse).content);
  });
});
