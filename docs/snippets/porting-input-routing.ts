import { Bridge, DTMFInputEvent, UserTranscriptionReceived } from "@switchboard/core";
// Line's names (interrupt_on, .on() on a builder, the { get, mapToEvents } input) are typed
// by this entry; the main entry keeps one name per thing.
import "@switchboard/core/line";
import { interval, map, take } from "rxjs";

// Line's with_input_routing shape: get() waits for raw input, map_to_events turns it into events.
const lines: string[] = ["hello", "1", "goodbye"];
const keypadOrSpeech = new Bridge("user").withInputRouting({
  get: async () => lines.shift() ?? new Promise<string>(() => {}),
  mapToEvents: (line: string) =>
    /^[0-9*#]$/.test(line)
      ? [new DTMFInputEvent({ button: line })]
      : [new UserTranscriptionReceived({ content: line })],
});

// An async iterable of events works too...
async function* transcripts() {
  yield new UserTranscriptionReceived({ content: "hi" });
}
new Bridge("mic").withInputRouting(transcripts());

// ...and so does an RxJS Observable.
new Bridge("ticker").withInputRouting(
  interval(1_000).pipe(
    take(3),
    map((n) => new UserTranscriptionReceived({ content: `tick ${n}` })),
  ),
);

export { keypadOrSpeech };
