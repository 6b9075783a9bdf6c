export {
  loadPlaygroundAssets,
  PLAYGROUND_ASSET_NAMES,
  type PlaygroundAssetName,
  type PlaygroundAssets,
} from "./playground-assets.js";
export {
  createPlaygroundHandler,
  type PlaygroundHandler,
  type PlaygroundHandlerOptions,
} from "./playground-handler.js";
export {
  DEBUG_EVENTS,
  DEBUG_QUERY_PARAM,
  type DebugBridge,
  type DebugRoute,
  type DebugRouteControl,
  type DebugRouteStep,
  type DebugTopology,
  type DebugTrace,
} from "./debug-channel.js";
