import {
  AgentResponse,
  Bridge,
  LogMetric,
  UserTranscriptionReceived,
  type Message,
  type RouteBuilder,
} from "@switchboard/core";

const bridge = new Bridge("counter");

// Each step's type follows the value.
const lengths: RouteBuilder<number, UserTranscriptionReceived> = bridge
  .on(UserTranscriptionReceived) // RouteBuilder<Message<UserTranscriptionReceived>, ...>
  .map((m: Message<UserTranscriptionReceived>) => m.event.content) // RouteBuilder<string, ...>
  .map((text) => text.length); // RouteBuilder<number, ...>

// A number is not an event: broadcasting it does not compile.
// @ts-expect-error -- broadcast() needs an event object or a string
lengths.broadcast();

// Map it to an event first...
lengths.map((value) => new LogMetric({ name: "transcript.length", value })).broadcast();

// ...or name the event class: broadcast(C) publishes new C(value), and checks the value fits.
bridge
  .on(UserTranscriptionReceived)
  .map((m) => ({ content: `heard: ${m.event.content}` }))
  .broadcast(AgentResponse);
