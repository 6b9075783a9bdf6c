import { z } from "zod";
import { parseFrame, type FrameParseResult } from "./frame-parse-result.js";
import { dtmfButtonSchema } from "./input-frames.js";

/**
 * The generation that produced a frame, when one did (an extension to Line's protocol that Line
 * clients ignore): after interrupting, a client drops the frames of that generation still on the wire.
 */
const generationId = z.string().optional();

/**
 * The output frames (agent → client), one zod schema per `type`. Every frame may carry the
 * `generation_id` of the generation that produced it. Extra fields are ignored.
 * @example outputFrameSchemas.message.parse({ type: "message", content: "Hello!" });
 */
export const outputFrameSchemas = {
  /** A chunk of the agent's answer; `chunk_type` is present when it is not `"text"`. */
  message: z.object({
    type: z.literal("message"),
    content: z.string(),
    chunk_type: z.string().optional(),
    generation_id: generationId,
  }),
  /** A tool call; sent again with `result` once the tool returned. */
  tool_call: z.object({
    type: z.literal("tool_call"),
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    result: z.unknown().optional(),
    id: z.string().optional(),
    generation_id: generationId,
  }),
  /** The agent hangs up; nothing follows. */
  end_call: z.object({ type: z.literal("end_call"), generation_id: generationId }),
  /** Transfer the call to a phone number. */
  transfer: z.object({
    type: z.literal("transfer"),
    target_phone_number: z.string(),
    generation_id: generationId,
  }),
  /** Something happened: `generation_complete`, `agent_paused`, `agent_resumed`, … */
  log_event: z.object({
    type: z.literal("log_event"),
    event: z.string(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    generation_id: generationId,
  }),
  /** A measurement, e.g. a generation's time to first chunk. */
  log_metric: z.object({
    type: z.literal("log_metric"),
    name: z.string(),
    value: z.union([z.number(), z.string()]),
    generation_id: generationId,
  }),
  /** Play a keypad tone. */
  dtmf: z.object({
    type: z.literal("dtmf"),
    button: dtmfButtonSchema,
    generation_id: generationId,
  }),
  /** Something went wrong; the session goes on. `code` is machine-readable, `correlation_id` finds the server's log line. */
  error: z.object({
    type: z.literal("error"),
    content: z.string(),
    code: z.string().optional(),
    correlation_id: z.string().optional(),
    generation_id: generationId,
  }),
} as const;

/**
 * An output frame (agent → client). Written out (rather than inferred from the schemas) so
 * optional fields are exactly optional; `index.test-d.ts` pins that every frame fits its schema.
 * @example const frame: OutputFrame = { type: "message", content: "Hello!" };
 */
export type OutputFrame = (
  | { type: "message"; content: string; chunk_type?: string }
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
  | { type: "error"; content: string; code?: string; correlation_id?: string }
) & {
  /**
   * The generation that produced the frame, when one did (an extension to Line's protocol that
   * Line clients ignore): after interrupting, a client drops frames of that generation still on the wire.
   */
  generation_id?: string;
};

/** The `type` of an {@link OutputFrame}. */
export type OutputFrameType = OutputFrame["type"];

/**
 * The output frame of a given type.
 * @example const end: OutputFrameOf<"end_call"> = { type: "end_call" };
 */
export type OutputFrameOf<T extends OutputFrameType> = Extract<OutputFrame, { type: T }>;

/** The `type`s the agent sends. */
export const OUTPUT_FRAME_TYPES = Object.keys(outputFrameSchemas) as readonly OutputFrameType[];

/** The `log_event` that ends a generation's turn. */
export const GENERATION_COMPLETE_EVENT = "generation_complete";

/**
 * Parses and validates one output text frame (for clients).
 * @example
 * const parsed = parseOutputFrame('{"type":"message","content":"Hi"}');
 * if (parsed.ok) console.log(parsed.frame.type);
 */
export function parseOutputFrame(text: string): FrameParseResult<OutputFrame> {
  // The schemas accept exactly the frames of the type; JSON has no explicit `undefined` fields.
  return parseFrame(text, outputFrameSchemas) as FrameParseResult<OutputFrame>;
}

/**
 * True for the `log_event` that ends a turn.
 * @example isGenerationComplete({ type: "log_event", event: "generation_complete" }); // true
 */
export function isGenerationComplete(frame: { type: string; event?: unknown }): boolean {
  return frame.type === "log_event" && frame.event === GENERATION_COMPLETE_EVENT;
}
