import { z } from "zod";
import { parseFrame, type FrameParseResult } from "./frame-parse-result.js";

/** DTMF keypad buttons: digits, `*`, `#` and the A–D column. */
export const dtmfButtonSchema = z.string().regex(/^[0-9*#A-D]$/, "expected one of 0-9, *, #, A-D");
const speakingState = z.enum(["speaking", "idle"]);

/**
 * The input frames (client → agent), one zod schema per `type`. Extra fields are ignored.
 * @example inputFrameSchemas.dtmf.parse({ type: "dtmf", button: "5" });
 */
export const inputFrameSchemas = {
  /** A transcription of what the user said. */
  message: z.object({ type: z.literal("message"), content: z.string() }),
  /** The user started (`speaking`) or stopped (`idle`) talking. */
  user_state: z.object({ type: z.literal("user_state"), value: speakingState }),
  /** The platform started or stopped playing the agent's speech. */
  agent_state: z.object({ type: z.literal("agent_state"), value: speakingState }),
  /** What the platform actually spoke of the agent's text. */
  agent_speech: z.object({ type: z.literal("agent_speech"), content: z.string() }),
  /** A keypad button the caller pressed. */
  dtmf: z.object({ type: z.literal("dtmf"), button: dtmfButtonSchema }),
} as const;

/**
 * A validated input frame (client → agent).
 * @example const frame: InputFrame = { type: "user_state", value: "speaking" };
 */
export type InputFrame = {
  [K in keyof typeof inputFrameSchemas]: z.infer<(typeof inputFrameSchemas)[K]>;
}[keyof typeof inputFrameSchemas];

/** The `type` of an {@link InputFrame}. */
export type InputFrameType = InputFrame["type"];

/** The `type`s a client may send. */
export const INPUT_FRAME_TYPES = Object.keys(inputFrameSchemas) as readonly InputFrameType[];

/**
 * Parses and validates one input text frame.
 * @example
 * parseInputFrame('{"type":"user_state","value":"idle"}'); // { ok: true, frame: { type: "user_state", value: "idle" } }
 * parseInputFrame("hi"); // { ok: false, error: "frame is not valid JSON: …" }
 */
export function parseInputFrame(text: string): FrameParseResult<InputFrame> {
  return parseFrame(text, inputFrameSchemas);
}
