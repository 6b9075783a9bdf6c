/**
 * A frame the agent sends (the wire protocol's output frames). Anything else the server might
 * send is kept as it came, so tests can assert on it.
 * @example
 * const frame: ServerFrame = { type: "message", content: "Hello!" };
 */
export type ServerFrame = (
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
  | { type: "error"; content: string }
) & {
  /** The generation that produced the frame, when one did. */
  generation_id?: string;
};

/** The `type` of a {@link ServerFrame}. */
export type ServerFrameType = ServerFrame["type"];

/** The frame of a given type. */
export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;

/** A frame the client may send (the wire protocol's input frames). */
export type ClientFrame =
  | { type: "message"; content: string }
  | { type: "user_state"; value: "speaking" | "idle" }
  | { type: "agent_state"; value: "speaking" | "idle" }
  | { type: "agent_speech"; content: string }
  | { type: "dtmf"; button: string };

/** True for the `log_event` that ends a turn. */
export function isGenerationComplete(frame: ServerFrame): boolean {
  return frame.type === "log_event" && frame.event === "generation_complete";
}
