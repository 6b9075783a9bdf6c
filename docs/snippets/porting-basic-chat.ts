// Line's examples/basic_chat, ported. Python on the left in comments, TypeScript below.
import {
  AgentSpeechSent,
  Bridge,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
// Line's names (interrupt_on, .on() on a builder, the { get, mapToEvents } input) are typed
// by this entry; the main entry keeps one name per thing.
import "@switchboard/core/line";
import { OpenAIChatNode, createChatModel } from "@switchboard/openai";
import { VoiceAgentApp, endCall } from "@switchboard/server";
import { getWeather } from "./weather-tool.js";

// async def handle_new_call(system: VoiceAgentSystem, call_request: CallRequest):
const app = new VoiceAgentApp(async (system, call) => {
  // conversation_node = ChatNode(system_prompt=..., tools=[...])
  const node = new OpenAIChatNode({
    nodeId: "agent",
    systemPrompt: call.agent.systemPrompt || "You are a friendly voice assistant.",
    llm: createChatModel(),
    tools: [getWeather, endCall],
  });
  // conversation_bridge = Bridge(conversation_node)
  const bridge = new Bridge(node);
  // system.with_speaking_node(conversation_node, bridge=conversation_bridge)
  system.withSpeakingNode(node, bridge);

  // conversation_bridge.on(UserTranscriptionReceived).map(conversation_node.add_event)
  bridge.on(UserTranscriptionReceived).map(node.addEvent);
  bridge.on(AgentSpeechSent).map(node.addEvent);

  // (conversation_bridge.on(UserStoppedSpeaking)
  //     .interrupt_on(UserStartedSpeaking, handler=conversation_node.on_interrupt_generate)
  //     .stream(conversation_node.generate)
  //     .broadcast())
  bridge
    .on(UserStoppedSpeaking)
    .interrupt_on(UserStartedSpeaking, node.onInterruptGenerate)
    .stream(node.generate)
    .broadcast();

  // await system.start(); await system.send_initial_message(...); await system.wait_for_shutdown()
  await system.start();
  await system.sendInitialMessage("Hello! How can I help?");
  await system.waitForShutdown();
});

// app = VoiceAgentApp(handle_new_call); app.run()
await app.run();
