import {
  AgentResponse,
  bufferSentences,
  Bridge,
  ToolCall,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { EchoNode } from "./echo-node.js";

const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
const bridge = new Bridge(node);

// map: sync or async; its result flows on. ctx is { message, signal, generationId }.
bridge
  .on(UserTranscriptionReceived)
  .map(async (m, ctx) => {
    const res = await fetch("https://example.com/moderate", {
      method: "POST",
      body: m.event.content,
      signal: ctx.signal, // aborted if this generation is cancelled
    });
    return { text: m.event.content, ok: res.ok };
  })
  .filter((checked) => checked.ok)
  .map((checked) => new UserTranscriptionReceived({ content: checked.text }))
  .map(node.addEvent);

// stream: every item the function yields goes through the rest of the route, in order,
// as soon as it is yielded; the next is pulled only once the previous one is delivered.
// filter with a type guard narrows the value's type.
bridge
  .on(UserStoppedSpeaking)
  .stream(node.generate) // RouteBuilder<object>
  .filter((e): e is AgentResponse | ToolCall => e instanceof AgentResponse || e instanceof ToolCall)
  .pipe(bufferSentences()) // RxJS operators over the values of one generation
  .map((e, ctx) => {
    console.log(`generation ${ctx.generationId} triggered at ${ctx.message.timestamp}`);
    return e;
  })
  .broadcast();

// stream() without a function iterates the current value (a string is one item).
bridge
  .on(UserTranscriptionReceived)
  .map((m) => m.event.content.split(" "))
  .stream()
  .map((word) => word.toUpperCase())
  .broadcast(); // a string is published as an AgentResponse
