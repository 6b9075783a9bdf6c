export {
  inputFrameSchemas,
  dtmfButtonSchema,
  parseInputFrame,
  INPUT_FRAME_TYPES,
  type InputFrame,
  type InputFrameType,
} from "./input-frames.js";
export {
  outputFrameSchemas,
  parseOutputFrame,
  isGenerationComplete,
  OUTPUT_FRAME_TYPES,
  GENERATION_COMPLETE_EVENT,
  AGENT_PAUSED_EVENT,
  AGENT_RESUMED_EVENT,
  type OutputFrame,
  type OutputFrameType,
  type OutputFrameOf,
} from "./output-frames.js";
export {
  parseFrame,
  validateFrame,
  formatZodIssues,
  type FrameParseResult,
  type FrameSchemas,
} from "./frame-parse-result.js";
export {
  INPUT_FRAME_EVENTS,
  OUTPUT_FRAME_EVENTS,
  inputFrameEvent,
  outputFrameFor,
  type InputFrameRow,
  type InputEventInit,
  type OutputFrameRow,
  type OutputFieldSource,
} from "./frame-event-tables.js";
export { GenerationFence, FENCE_MAX_HELD_FRAMES, type FencedFrame } from "./generation-fence.js";
export { CloseCode, type InputPort, type Transport, type TransportEnd } from "./transport.js";
export { newCallId, MAX_CALL_ID_LENGTH } from "./call-id.js";
