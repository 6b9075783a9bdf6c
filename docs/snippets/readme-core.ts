import { AgentResponse, Bridge, Bus, Message, UserStoppedSpeaking } from "@switchboard/core";

const agent = new Bridge("agent");
agent
  .on(UserStoppedSpeaking)
  .stream(async function* (_message, ctx) {
    for (const word of ["Hello", " there", "!"]) {
      if (ctx.signal.aborted) return;
      yield word; // strings are broadcast as AgentResponse
    }
  })
  .broadcast();

const speaker = new Bridge("speaker");
speaker.on(AgentResponse).map((m) => process.stdout.write(m.event.content));

const bus = new Bus();
bus.registerBridge("agent", agent).registerBridge("speaker", speaker);
await bus.start();
await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
