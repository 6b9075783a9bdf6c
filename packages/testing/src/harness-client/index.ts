export {
  HarnessClient,
  type HarnessClientOptions,
  type ClientCloseInfo,
  type Reply,
  type TurnTiming,
} from "./harness-client.js";
export {
  isGenerationComplete,
  type ServerFrame,
  type ServerFrameType,
  type FrameOf,
  type ClientFrame,
} from "./server-frame.js";
