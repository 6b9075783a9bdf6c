/** Prefix of the tool name that hands the call to another agent: `transfer_to_<agent>`. */
export const HANDOFF_TOOL_PREFIX = "transfer_to_";
