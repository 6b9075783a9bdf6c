import { eventClassFor } from "@switchboard/core";
import {
  inputFrameEvent,
  parseInputFrame as parseInputText,
  type InputFrame,
} from "@switchboard/protocol";

export { INPUT_FRAME_TYPES, type InputFrame, type OutputFrame } from "@switchboard/protocol";

/** What parsing one text frame gave: an event, or a message for the client saying what was wrong. */
export type ParsedFrame =
  { ok: true; frame: InputFrame; event: object } | { ok: false; error: string };

/**
 * Parses and validates one text frame into the event it stands for.
 * @example
 * parseInputFrame('{"type":"user_state","value":"idle"}'); // { ok: true, event: UserStoppedSpeaking, … }
 * parseInputFrame("hi"); // { ok: false, error: "frame is not valid JSON: …" }
 */
export function parseInputFrame(text: string): ParsedFrame {
  const parsed = parseInputText(text);
  if (!parsed.ok) return parsed;
  return { ok: true, frame: parsed.frame, event: frameToEvent(parsed.frame) };
}

/** An event class as the input table builds it: one init object (events without fields ignore it). */
type InputEventClass = new (init: Record<string, unknown>) => object;

/**
 * The event an input frame stands for: the protocol's `INPUT_FRAME_EVENTS` row gives the alias,
 * core's registry the class.
 * @example frameToEvent({ type: "dtmf", button: "5" }); // DTMFInputEvent { button: "5" }
 */
export function frameToEvent(frame: InputFrame): object {
  const { alias, init } = inputFrameEvent(frame);
  // Every alias of the table is a core built-in, registered when core loads.
  const eventClass = eventClassFor(alias) as InputEventClass;
  return new eventClass(init);
}
