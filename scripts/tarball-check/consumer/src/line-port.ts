// A Line app ported line by line: `@switchboard/core/line` types Line's names (interrupt_on,
// `.on()` on a builder, the { get, mapToEvents } input), which work at run time.
import "@switchboard/core/line";
import {
  AgentResponse,
  Bridge,
  Bus,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";

const bus = new Bus();
const agent = new Bridge("agent");
const user = new Bridge("user");
const heard: string[] = [];
agent
  .on(UserTranscriptionReceived)
  .map((m) => heard.push(m.event.content))
  .on(UserStoppedSpeaking)
  .interrupt_on(UserStartedSpeaking)
  .map(() => new AgentResponse({ content: `You said: ${heard.join(" ")}.` }))
  .broadcast();
const inputs = [["hello"], []] as string[][];
user.withInputRouting({
  get: () => inputs.shift() ?? new Promise<string[]>(() => {}),
  mapToEvents: (words: string[]) =>
    words.length > 0
      ? words.map((content) => new UserTranscriptionReceived({ content }))
      : [new UserStoppedSpeaking()],
});
const speaker = new Bridge("speaker");
const answered = new Promise<string>((resolve) => {
  speaker.on(AgentResponse).map((m) => resolve(m.event.content));
});
bus.registerBridge("agent", agent).registerBridge("user", user).registerBridge("speaker", speaker);
await bus.start();
const answer = await answered;
await bus.close();
if (answer !== "You said: hello.") throw new Error(`line port: ${answer}`);
console.log("line port: ok");
