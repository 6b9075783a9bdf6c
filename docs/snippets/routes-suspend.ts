import {
  AgentStartedSpeaking,
  AgentStoppedSpeaking,
  Bridge,
  LogMetric,
  UserTranscriptionReceived,
} from "@switchboard/core";

// A background node that comments on the transcript, but never while the agent is talking.
const coach = new Bridge("coach");
coach
  .on(UserTranscriptionReceived)
  .suspendOn(AgentStartedSpeaking, () => console.log("paused: agent is speaking"))
  .resumeOn(AgentStoppedSpeaking, () => console.log("listening again"))
  .map((m) => new LogMetric({ name: "user.words", value: m.event.content.split(" ").length }))
  .broadcast();
