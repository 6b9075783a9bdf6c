import {
  AgentSpeechSent,
  AgentStartedSpeaking,
  AgentStoppedSpeaking,
  DTMFInputEvent,
  UserStartedSpeaking,
  UserStoppedSpeaking,
  UserTranscriptionReceived,
} from "@switchboard/core";
import { z } from "zod";

/** DTMF keypad buttons: digits, `*`, `#` and the A–D column. */
const dtmfButton = z.string().regex(/^[0-9*#A-D]$/, "expected one of 0-9, *, #, A-D");
const speakingState = z.enum(["speaking", "idle"]);

/** The input frames of the wire protocol, one zod schema per `type`. Extra fields are ignored. */
const inputSchemas = {
  message: z.object({ type: z.literal("message"), content: z.string() }),
  user_state: z.object({ type: z.literal("user_state"), value: speakingState }),
  agent_state: z.object({ type: z.literal("agent_state"), value: speakingState }),
  agent_speech: z.object({ type: z.literal("agent_speech"), content: z.string() }),
  dtmf: z.object({ type: z.literal("dtmf"), button: dtmfButton }),
} as const;

/** A validated input frame (client → agent). */
export type InputFrame = {
  [K in keyof typeof inputSchemas]: z.infer<(typeof inputSchemas)[K]>;
}[keyof typeof inputSchemas];

/** The `type`s a client may send. */
export const INPUT_FRAME_TYPES = Object.keys(inputSchemas) as readonly InputFrame["type"][];

/**
 * An output frame (agent → client), as Line's harness sends them.
 * @example const frame: OutputFrame = { type: "message", content: "Hello!" };
 */
export type OutputFrame = (
  | {
      type: "message";
      content: string;
      /** The chunk's type when it is not `"text"` (`"buffered"`, `"final"`, …). */
      chunk_type?: string;
    }
  | {
      type: "tool_call";
      name: string;
      arguments: Record<string, unknown>;
      result?: unknown;
      id?: string;
    }
  | { type: "end_call" }
  | { type: "transfer"; target_phone_number: string }
  | { type: "log_event"; event: string; metadata?: Record<string, unknown> }
  | { type: "log_metric"; name: string; value: number | string }
  | { type: "dtmf"; button: string }
  | { type: "error"; content: string }
) & {
  /**
   * The generation that produced the frame, when one did (an extension to Line's protocol that
   * Line clients ignore): after interrupting, a client drops frames of that generation still on the wire.
   */
  generation_id?: string;
};

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
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `frame is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: 'frame must be a JSON object with a string "type"' };
  }
  const type: unknown = (data as { type?: unknown }).type;
  if (typeof type !== "string") {
    return { ok: false, error: 'frame is missing a string "type" field' };
  }
  if (!Object.hasOwn(inputSchemas, type)) {
    return {
      ok: false,
      error: `unknown frame type ${JSON.stringify(type.slice(0, 64))}; expected one of ${INPUT_FRAME_TYPES.join(", ")}`,
    };
  }
  const schema = inputSchemas[type as keyof typeof inputSchemas];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".") || "frame"}: ${issue.message}`,
    );
    return { ok: false, error: `invalid "${type}" frame: ${problems.join("; ")}` };
  }
  return { ok: true, frame: parsed.data, event: frameToEvent(parsed.data) };
}

/** The event an input frame stands for (DESIGN "Wire protocol"). */
export function frameToEvent(frame: InputFrame): object {
  switch (frame.type) {
    case "message":
      return new UserTranscriptionReceived({ content: frame.content });
    case "user_state":
      return frame.value === "speaking" ? new UserStartedSpeaking() : new UserStoppedSpeaking();
    case "agent_state":
      return frame.value === "speaking" ? new AgentStartedSpeaking() : new AgentStoppedSpeaking();
    case "agent_speech":
      return new AgentSpeechSent({ content: frame.content });
    case "dtmf":
      return new DTMFInputEvent({ button: frame.button });
  }
}
