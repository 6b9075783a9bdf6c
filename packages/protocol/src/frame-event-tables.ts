import type { InputFrame, InputFrameType } from "./input-frames.js";
import {
  GENERATION_COMPLETE_EVENT,
  AGENT_PAUSED_EVENT,
  AGENT_RESUMED_EVENT,
  type OutputFrame,
  type OutputFrameType,
} from "./output-frames.js";

/**
 * One row of the input table: a frame `type` (and, for state frames, its `value`) stands for the
 * event registered under `event`, built from `fields` (event init field ← frame field).
 */
export interface InputFrameRow {
  readonly frame: InputFrameType;
  readonly value?: string;
  readonly event: string;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Input frame → event alias. The aliases are core's (`eventClassFor(alias)` gives the class), so
 * the protocol stays free of core and a browser can read the table too.
 * @example INPUT_FRAME_EVENTS.find((row) => row.frame === "dtmf")?.event; // "dtmf.input"
 */
export const INPUT_FRAME_EVENTS = [
  { frame: "message", event: "user.transcription", fields: { content: "content" } },
  { frame: "user_state", value: "speaking", event: "user.started_speaking", fields: {} },
  { frame: "user_state", value: "idle", event: "user.stopped_speaking", fields: {} },
  { frame: "agent_state", value: "speaking", event: "agent.started_speaking", fields: {} },
  { frame: "agent_state", value: "idle", event: "agent.stopped_speaking", fields: {} },
  { frame: "agent_speech", event: "agent.speech_sent", fields: { content: "content" } },
  { frame: "dtmf", event: "dtmf.input", fields: { button: "button" } },
] as const satisfies readonly InputFrameRow[];

/** The event an input frame stands for, as data: its alias and its constructor's init object. */
export interface InputEventInit {
  alias: string;
  init: Record<string, unknown>;
}

/**
 * Looks up the row of `frame` in {@link INPUT_FRAME_EVENTS}.
 * @example inputFrameEvent({ type: "user_state", value: "idle" }); // { alias: "user.stopped_speaking", init: {} }
 */
export function inputFrameEvent(frame: InputFrame): InputEventInit {
  const fields = frame as Readonly<Record<string, unknown>>;
  for (const row of INPUT_FRAME_EVENTS as readonly InputFrameRow[]) {
    if (row.frame !== frame.type) continue;
    if (row.value !== undefined && row.value !== fields["value"]) continue;
    const init: Record<string, unknown> = {};
    for (const [eventField, frameField] of Object.entries(row.fields)) {
      init[eventField] = fields[frameField];
    }
    return { alias: row.event, init };
  }
  // Unreachable for a validated frame: the table has a row for every type and value.
  throw new TypeError(`no event for input frame "${frame.type}"`);
}

/**
 * Where a frame field's value comes from: an event field, or (`when` set on the event) `then`,
 * else `otherwise`.
 */
export type OutputFieldSource = string | { when: string; then: string; otherwise: string };

/**
 * One row of the output table: an event alias becomes a frame `type` with `fields` (frame field ←
 * event field), `constants`, and `metadata` (a metadata key ← event field, always an object).
 * A field whose value is undefined, or equals its `omitWhen` value, is left out.
 */
export interface OutputFrameRow {
  readonly event: string;
  readonly frame: OutputFrameType;
  readonly fields: Readonly<Record<string, OutputFieldSource>>;
  readonly constants?: Readonly<Record<string, unknown>>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly omitWhen?: Readonly<Record<string, unknown>>;
}

/**
 * Event alias → output frame. The server sends each of these events from the speaking node as
 * the frame of its row (with the `generation_id` of the generation that produced it).
 * @example OUTPUT_FRAME_EVENTS.find((row) => row.event === "call.end")?.frame; // "end_call"
 */
export const OUTPUT_FRAME_EVENTS = [
  {
    event: "agent.response",
    frame: "message",
    fields: { content: "content", chunk_type: "chunkType" },
    omitWhen: { chunk_type: "text" },
  },
  {
    event: "tool.call",
    frame: "tool_call",
    fields: { name: "toolName", arguments: "toolArgs", id: "toolCallId" },
  },
  {
    event: "tool.result",
    frame: "tool_call",
    fields: {
      name: "toolName",
      arguments: "toolArgs",
      // A failed call reports its error text ("Error: …") as the result.
      result: { when: "error", then: "resultStr", otherwise: "result" },
      id: "toolCallId",
    },
  },
  { event: "call.end", frame: "end_call", fields: {} },
  // `AgentError.code` is not sent (yet): the round-1 wire has `error {content}` only.
  { event: "agent.error", frame: "error", fields: { content: "error" } },
  {
    event: "call.transfer",
    frame: "transfer",
    fields: { target_phone_number: "targetPhoneNumber" },
  },
  { event: "log.metric", frame: "log_metric", fields: { name: "name", value: "value" } },
  { event: "dtmf.output", frame: "dtmf", fields: { button: "button" } },
  {
    event: "agent.generation_complete",
    frame: "log_event",
    fields: {},
    constants: { event: GENERATION_COMPLETE_EVENT },
    // The generation's metrics ride here (a field it lacks is left out): no frame of their own.
    metadata: {
      total_length: "totalLength",
      chunk_count: "chunkCount",
      interrupted: "interrupted",
      ttfc_ms: "ttfcMs",
      duration_ms: "durationMs",
      input_tokens: "inputTokens",
      output_tokens: "outputTokens",
    },
  },
  // A barge-in policy holds a generation, then resumes it (a client may pause its playback).
  {
    event: "agent.paused",
    frame: "log_event",
    fields: {},
    constants: { event: AGENT_PAUSED_EVENT },
  },
  {
    event: "agent.resumed",
    frame: "log_event",
    fields: {},
    constants: { event: AGENT_RESUMED_EVENT },
  },
] as const satisfies readonly OutputFrameRow[];

/**
 * Builds the frame of `row` from an event's fields (any object: a core event or plain data).
 * Every call returns a new frame (a caller may tag it in place). A row is read once and its
 * reading kept, so a row is data that must not change after its first frame (the tables are
 * frozen in type: `as const`).
 * @example
 * outputFrameFor(OUTPUT_FRAME_EVENTS[3], {}); // { type: "end_call" }
 */
export function outputFrameFor(row: OutputFrameRow, event: object): OutputFrame {
  const plan = planOf(row);
  const source = event as Readonly<Record<string, unknown>>;
  const frame: Record<string, unknown> = { type: row.frame };
  // Indexed loops, no destructuring: one frame per chunk, and a for-of or a `[key, value]`
  // pattern makes an iterator wherever the code is not optimized.
  const fields = plan.fields;
  for (let i = 0; i < fields.length; i++) {
    const { field, from, omits, omitValue } = fields[i]!;
    const eventField =
      typeof from === "string"
        ? from
        : source[from.when] === undefined
          ? from.otherwise
          : from.then;
    const value = source[eventField];
    if (value === undefined || (omits && omitValue === value)) continue;
    frame[field] = value;
  }
  const constants = plan.constants;
  for (let i = 0; i < constants.length; i++) {
    const entry = constants[i]!;
    frame[entry[0]] = entry[1];
  }
  const metadataFields = plan.metadata;
  if (metadataFields !== undefined) {
    const metadata: Record<string, unknown> = {};
    for (let i = 0; i < metadataFields.length; i++) {
      const entry = metadataFields[i]!;
      const value = source[entry[1]];
      if (value !== undefined) metadata[entry[0]] = value;
    }
    frame["metadata"] = metadata;
  }
  return frame as OutputFrame;
}

/** A row read once: its entries as arrays, so a frame (one per chunk) allocates only itself. */
interface OutputRowPlan {
  readonly fields: readonly {
    field: string;
    from: OutputFieldSource;
    omits: boolean;
    omitValue: unknown;
  }[];
  readonly constants: readonly (readonly [string, unknown])[];
  readonly metadata: readonly (readonly [string, string])[] | undefined;
}

/** The plan of each row met so far; rows are read-only data, so a row's plan never goes stale. */
const rowPlans = new WeakMap<OutputFrameRow, OutputRowPlan>();

function planOf(row: OutputFrameRow): OutputRowPlan {
  let plan = rowPlans.get(row);
  if (plan === undefined) {
    const omitWhen = row.omitWhen ?? {};
    plan = {
      fields: Object.entries(row.fields).map(([field, from]) => ({
        field,
        from,
        omits: Object.hasOwn(omitWhen, field),
        omitValue: omitWhen[field],
      })),
      constants: Object.entries(row.constants ?? {}),
      metadata: row.metadata === undefined ? undefined : Object.entries(row.metadata),
    };
    rowPlans.set(row, plan);
  }
  return plan;
}
