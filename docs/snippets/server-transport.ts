import { Bridge, UserStoppedSpeaking, UserTranscriptionReceived } from "@switchboard/core";
import type { InputPort, OutputFrame, Transport, TransportEnd } from "@switchboard/protocol";
import { VoiceAgentSystem } from "@switchboard/server";
import { EchoNode } from "./echo-node.js";

/** An in-process transport: input from code, output frames printed. */
class PrintingTransport implements Transport {
  readonly ended: Promise<TransportEnd>;
  #end!: (end: TransportEnd) => void;
  #port: InputPort | undefined;
  readonly #early: object[] = [];

  constructor() {
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  // Called by system.start(): from now on input goes straight to the bus.
  connectInput(port: InputPort): void {
    this.#port = port;
    for (const event of this.#early.splice(0)) void port(event);
  }

  /** What the user says; resolves when the bus has taken it (its back-pressure). */
  async input(event: object): Promise<void> {
    if (this.#port === undefined) this.#early.push(event);
    else await this.#port(event);
  }

  send(frame: OutputFrame): boolean {
    console.log(JSON.stringify(frame));
    return true;
  }

  async close(code = 1000, reason = "call ended"): Promise<void> {
    this.#end({ code, reason, by: "server" });
  }
}

const transport = new PrintingTransport();
const node = new EchoNode({ systemPrompt: "Echo the user.", nodeId: "agent" });
const bridge = new Bridge(node);
bridge.conversation(node);
{
  // close() (here: at the end of the block) stops the bus, cleans the nodes, closes the transport.
  await using system = new VoiceAgentSystem(transport).withSpeakingNode(node, bridge);
  await system.start();
  await transport.input(new UserTranscriptionReceived({ content: "hello" }));
  await transport.input(new UserStoppedSpeaking()); // prints {"type":"message",…} frames
}
