import { AgentResponse, Bridge, UserStartedSpeaking } from "@switchboard/core";
import type { OutputFrame } from "@switchboard/server";

// On the bus: every message a route generation broadcasts carries that generation's generationId.
// A TTS adapter can drop what it still holds of a generation the user talked over.
const tts = new Bridge("tts");
const spoken: { generationId: string | undefined; text: string }[] = [];
let current: string | undefined;
tts.on(AgentResponse, { source: "agent" }).map((m) => {
  current = m.generationId;
  spoken.push({ generationId: m.generationId, text: m.event.content });
});
tts.on(UserStartedSpeaking).map(() => {
  const cancelled = current;
  spoken.splice(0, spoken.length, ...spoken.filter((s) => s.generationId !== cancelled));
});

// On the wire: output frames carry generation_id. After the client sends
// {"type":"user_state","value":"speaking"}, frames of the generation it was playing that were
// already in flight can be dropped.
const fenced = new Set<string>();
let playing: string | undefined;

export function onUserStartedSpeaking(): void {
  if (playing !== undefined) fenced.add(playing);
}

export function onFrame(frame: OutputFrame): void {
  if (frame.generation_id !== undefined && fenced.has(frame.generation_id)) return;
  if (frame.type === "message") {
    playing = frame.generation_id;
    process.stdout.write(frame.content);
  }
}
