import type { InputFrame, OutputFrame } from "@switchboard/protocol";

export { isGenerationComplete } from "@switchboard/protocol";

/**
 * A frame the agent sends: the wire protocol's output frame (`@switchboard/protocol`). Anything
 * else the server might send is kept as it came, so tests can assert on it.
 * @example
 * const frame: ServerFrame = { type: "message", content: "Hello!" };
 */
export type ServerFrame = OutputFrame;

/** The `type` of a {@link ServerFrame}. */
export type ServerFrameType = ServerFrame["type"];

/** The frame of a given type. */
export type FrameOf<T extends ServerFrameType> = Extract<ServerFrame, { type: T }>;

/** A frame the client may send: the wire protocol's input frame. */
export type ClientFrame = InputFrame;
