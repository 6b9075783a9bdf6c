import { Bridge, Bus, Message, UserStartedSpeaking, UserStoppedSpeaking } from "@switchboard/core";

const bridge = new Bridge("agent");
bridge
  .on(UserStoppedSpeaking)
  .interruptOn(UserStartedSpeaking, () => console.log("3. handler: teardown is over"))
  .stream(async function* () {
    try {
      for (let i = 0; ; i++) {
        // Ignores any signal: sleeps 200 ms between chunks no matter what.
        await new Promise((resolve) => setTimeout(resolve, 200));
        yield `chunk ${i} `;
      }
    } finally {
      console.log("2. finally: the generator was closed at its yield");
    }
  })
  .broadcast();

const bus = new Bus();
bus.registerBridge("agent", bridge);
await bus.start();
await bus.broadcast(new Message({ source: "user", event: new UserStoppedSpeaking() }));
await new Promise((resolve) => setTimeout(resolve, 450)); // "chunk 0 chunk 1 " went out
await bus.broadcast(new Message({ source: "user", event: new UserStartedSpeaking() }));
console.log("1. interrupt broadcast: nothing from that generation reaches a bridge any more");
// About 150 ms later the generator yields "chunk 2 ": the chunk is dropped, return() is
// called, finally runs, then the handler. A trigger arriving meanwhile waits for the handler.
