export { CallAction } from "./call-action.js";
export { endCall } from "./end-call.js";
export { transferCall } from "./transfer-call.js";
export { sendDtmf } from "./send-dtmf.js";
export { handoffTool } from "./handoff-tool.js";
