import {
  AgentResponse,
  Bridge,
  DTMFInputEvent,
  UserTranscriptionReceived,
  eventAlias,
} from "@switchboard/core";

const bridge = new Bridge("logger");

// A class: matches with instanceof, and types the route as Message<UserTranscriptionReceived>.
bridge.on(UserTranscriptionReceived).map((m) => console.log("user said", m.event.content));

// An alias glob: every user.* event (user.started_speaking, user.transcription, ...).
bridge.on("user.*").map((m) => console.log("user event", eventAlias(m.event)));

// "*": everything on the bus.
bridge.on("*").map((m) => console.log(m.source, m.timestamp));

// source: only messages broadcast by these nodes (a string or a list).
bridge.on(AgentResponse, { source: ["agent", "billing"] }).map((m) => m.event.content);

// where: per-property conditions on the event, a value to equal or a predicate.
bridge.on(AgentResponse, { where: { chunkType: "text" } }).map((m) => m.event.content);
bridge
  .on(UserTranscriptionReceived, { where: { content: (c) => c.length > 3 } })
  .map((m) => m.event.content);

// filter: any predicate on the whole Message.
bridge
  .on(DTMFInputEvent, { filter: (m) => m.source === "user" && m.event.button !== "#" })
  .map((m) => m.event.button);
