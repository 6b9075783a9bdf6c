import { randomUUID } from "node:crypto";
import { parseToolArguments } from "./tools/parse-tool-arguments.js";
import { registerEvent } from "./event-registry.js";

/** The user started talking (voice activity began). Alias `user.started_speaking`. */
export class UserStartedSpeaking {
  declare private readonly brand: "UserStartedSpeaking";
}
/** The user stopped talking: usually the moment to answer. Alias `user.stopped_speaking`. */
export class UserStoppedSpeaking {
  declare private readonly brand: "UserStoppedSpeaking";
}

/**
 * What the user said, as transcribed. Alias `user.transcription`.
 * @example new UserTranscriptionReceived({ content: "What's the weather?" })
 */
export class UserTranscriptionReceived {
  readonly content: string;
  constructor(init: { content: string }) {
    this.content = init.content;
  }
}

/** Input the platform could not classify. Alias `user.unknown_input`. */
export class UserUnknownInputReceived {
  readonly inputData: unknown;
  constructor(init: { inputData: unknown }) {
    this.inputData = init.inputData;
  }
}

/**
 * A short user utterance that only signals attention ("mm-hmm", "yeah", "right") and did not take
 * the turn: a barge-in policy recorded it instead of interrupting. Kept in the history after the
 * agent turn it overlapped, never merged into a user turn. Alias `user.backchannel`.
 * @example new UserBackchannel({ content: "mm-hmm" })
 */
export class UserBackchannel {
  readonly content: string;
  constructor(init: { content: string }) {
    this.content = init.content;
  }
}

/**
 * A barge-in policy paused a generation while it decides whether the user really interrupted;
 * a client may pause its playback. The message carries the paused `generationId`.
 * Alias `agent.paused`.
 * @example new AgentPaused()
 */
export class AgentPaused {
  declare private readonly brand: "AgentPaused";
}

/**
 * A paused generation goes on exactly where it was held (the user only backchannelled, or said
 * nothing). The message carries the resumed `generationId`. Alias `agent.resumed`.
 * @example new AgentResumed()
 */
export class AgentResumed {
  declare private readonly brand: "AgentResumed";
}

/** The agent's audio started playing. Alias `agent.started_speaking`. */
export class AgentStartedSpeaking {
  declare private readonly brand: "AgentStartedSpeaking";
}
/** The agent's audio stopped playing. Alias `agent.stopped_speaking`. */
export class AgentStoppedSpeaking {
  declare private readonly brand: "AgentStoppedSpeaking";
}

/**
 * What the platform actually spoke (may be a prefix of what was sent). Alias `agent.speech_sent`.
 * @example new AgentSpeechSent({ content: "Hello, how" })
 */
export class AgentSpeechSent {
  readonly content: string;
  constructor(init: { content: string }) {
    this.content = init.content;
  }
}

/**
 * A chunk of the agent's answer. Alias `agent.response`.
 * @example new AgentResponse({ content: "Hi there." })
 */
export class AgentResponse {
  readonly content: string;
  readonly chunkType: string;
  /** True on a history entry whose turn was cut off by the user. */
  readonly interrupted: boolean | undefined;
  /**
   * False for a chunk the user cannot cut off (a disclaimer, a confirmation): it is delivered
   * whole, and an interrupt arriving meanwhile takes effect right after the segment of such chunks
   * (or is dropped, by the conversation's policy). Default true.
   */
  readonly interruptible: boolean;
  constructor(init: {
    content: string;
    chunkType?: string;
    interrupted?: boolean;
    interruptible?: boolean;
  }) {
    this.content = init.content;
    this.chunkType = init.chunkType ?? "text";
    this.interrupted = init.interrupted;
    this.interruptible = init.interruptible ?? true;
  }
}

/** Init object of {@link AgentGenerationComplete}. */
export interface AgentGenerationCompleteInit {
  /** Characters of text delivered. */
  totalLength?: number;
  /** Chunks delivered. */
  chunkCount?: number;
  /** Whether the generation was cut off. */
  interrupted?: boolean;
  /** From the triggering message to the first chunk delivered, in ms. */
  ttfcMs?: number | undefined;
  /** From the generation's start to its end, in ms. */
  durationMs?: number | undefined;
  /** Prompt tokens the generation's model requests used, when the model reported them. */
  inputTokens?: number | undefined;
  /** Completion tokens, likewise. */
  outputTokens?: number | undefined;
}

/**
 * The last thing a generation yields. Alias `agent.generation_complete`. A `ReasoningNode` fills
 * in the generation's totals and metrics (its `ttfcMs`, `durationMs` and token counts): they
 * reach the client in the `generation_complete` frame's metadata, with no frame of their own.
 * @example new AgentGenerationComplete({ totalLength: 42, chunkCount: 5 })
 */
export class AgentGenerationComplete {
  readonly totalLength: number | undefined;
  readonly chunkCount: number | undefined;
  readonly interrupted: boolean | undefined;
  readonly ttfcMs: number | undefined;
  readonly durationMs: number | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  constructor(init: AgentGenerationCompleteInit = {}) {
    this.totalLength = init.totalLength;
    this.chunkCount = init.chunkCount;
    this.interrupted = init.interrupted;
    this.ttfcMs = init.ttfcMs;
    this.durationMs = init.durationMs;
    this.inputTokens = init.inputTokens;
    this.outputTokens = init.outputTokens;
  }
}

/**
 * Something went wrong in the agent; the session goes on. Alias `agent.error`.
 * @example new AgentError({ error: "LLM unavailable", code: "LLM_ERROR" })
 */
export class AgentError {
  readonly error: string;
  readonly code: string | undefined;
  constructor(init: { error: string | Error; code?: string }) {
    this.error = typeof init.error === "string" ? init.error : init.error.message;
    this.code = init.code;
  }
}

/** Tool arguments as the model gave them, parsed. */
export type ToolArgs = Record<string, unknown>;

/**
 * The model asked for a tool. Alias `tool.call`.
 * @example new ToolCall({ toolName: "get_weather", toolArgs: { city: "Paris" } })
 */
export class ToolCall {
  readonly toolName: string;
  readonly toolArgs: ToolArgs;
  readonly toolCallId: string;
  /**
   * The model's raw JSON arguments, when the call was made from them. They are parsed once, here:
   * into `toolArgs` (unless given), or into `argumentsError`.
   */
  readonly rawArguments: string | undefined;
  /** Why `rawArguments` could not be parsed (the registry tells the model); `undefined` if they could. */
  readonly argumentsError: string | undefined;
  constructor(init: {
    toolName: string;
    toolArgs?: ToolArgs;
    toolCallId?: string;
    rawArguments?: string;
  }) {
    const parsed =
      init.rawArguments === undefined ? undefined : parseToolArguments(init.rawArguments);
    this.toolName = init.toolName;
    this.toolArgs = init.toolArgs ?? parsed?.args ?? {};
    this.toolCallId = init.toolCallId ?? `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    this.rawArguments = init.rawArguments;
    this.argumentsError = parsed?.argumentsError;
  }
}

/**
 * The outcome of a tool call: `result` or `error`. Alias `tool.result`.
 * @example
 * const r = new ToolResult({ toolName: "get_weather", toolArgs: {}, result: { tempC: 21 } });
 * r.success; // true
 * r.resultStr; // '{"tempC":21}'
 */
export class ToolResult {
  readonly toolName: string;
  readonly toolArgs: ToolArgs;
  readonly result: unknown;
  readonly error: string | undefined;
  readonly toolCallId: string | undefined;
  /** True when the tool was cut off (or abandoned) because its generation was interrupted. */
  readonly interrupted: boolean | undefined;
  constructor(init: {
    toolName: string;
    toolArgs?: ToolArgs;
    result?: unknown;
    error?: string;
    toolCallId?: string;
    interrupted?: boolean;
  }) {
    this.toolName = init.toolName;
    this.toolArgs = init.toolArgs ?? {};
    this.result = init.result;
    this.error = init.error;
    this.toolCallId = init.toolCallId;
    this.interrupted = init.interrupted;
  }

  /** True when the tool returned without an error. */
  get success(): boolean {
    return this.error === undefined;
  }

  /** The result as the model should read it: strings as they are, anything else as JSON, errors prefixed. */
  get resultStr(): string {
    if (this.error !== undefined) return `Error: ${this.error}`;
    if (typeof this.result === "string") return this.result;
    if (this.result === undefined) return "";
    return (
      JSON.stringify(this.result, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      ) ?? ""
    );
  }
}

/** Hang up. Alias `call.end`. */
export class EndCall {
  declare private readonly brand: "EndCall";
}

/**
 * Transfer the call to a phone number. Alias `call.transfer`.
 * @example new TransferCall({ targetPhoneNumber: "+15551234567" })
 */
export class TransferCall {
  readonly targetPhoneNumber: string;
  readonly timeoutS: number;
  constructor(init: { targetPhoneNumber: string; timeoutS?: number }) {
    this.targetPhoneNumber = init.targetPhoneNumber;
    this.timeoutS = init.timeoutS ?? 30;
  }
}

/**
 * Hand the conversation to another agent. Alias `agent.handoff`.
 * @example new AgentHandoff({ targetAgent: "billing", reason: "payment question" })
 */
export class AgentHandoff {
  readonly targetAgent: string;
  readonly reason: string;
  constructor(init: { targetAgent: string; reason?: string }) {
    this.targetAgent = init.targetAgent;
    this.reason = init.reason ?? "";
  }
}

/**
 * Make `agent` the node allowed to speak to the user. Alias `system.authorize`.
 * @example new Authorize({ agent: "billing" })
 */
export class Authorize {
  readonly agent: string;
  constructor(init: { agent: string }) {
    this.agent = init.agent;
  }
}

/**
 * A named number for the platform's metrics. Alias `log.metric`. A generation's own metrics ride
 * on its `AgentGenerationComplete`; a `ReasoningNode` publishes them as `LogMetric`s only for a
 * generation whose completion does not go out (an interrupted one), or for every generation with
 * `metricEvents: "always"`.
 * @example new LogMetric({ name: "ttfc_ms", value: 312 })
 */
export class LogMetric {
  readonly name: string;
  readonly value: number | string;
  constructor(init: { name: string; value: number | string }) {
    this.name = init.name;
    this.value = init.value;
  }
}

/** A keypad button the user pressed. Alias `dtmf.input`. */
export class DTMFInputEvent {
  readonly button: string;
  constructor(init: { button: string }) {
    this.button = init.button;
  }
}

/** A keypad tone the agent plays. Alias `dtmf.output`. */
export class DTMFOutputEvent {
  readonly button: string;
  constructor(init: { button: string }) {
    this.button = init.button;
  }
}

registerEvent("user.started_speaking", UserStartedSpeaking);
registerEvent("user.stopped_speaking", UserStoppedSpeaking);
registerEvent("user.transcription", UserTranscriptionReceived);
registerEvent("user.unknown_input", UserUnknownInputReceived);
registerEvent("user.backchannel", UserBackchannel);
registerEvent("agent.started_speaking", AgentStartedSpeaking);
registerEvent("agent.paused", AgentPaused);
registerEvent("agent.resumed", AgentResumed);
registerEvent("agent.stopped_speaking", AgentStoppedSpeaking);
registerEvent("agent.speech_sent", AgentSpeechSent);
registerEvent("agent.response", AgentResponse);
registerEvent("agent.generation_complete", AgentGenerationComplete);
registerEvent("agent.error", AgentError);
registerEvent("tool.call", ToolCall);
registerEvent("tool.result", ToolResult);
registerEvent("call.end", EndCall);
registerEvent("call.transfer", TransferCall);
registerEvent("agent.handoff", AgentHandoff);
registerEvent("system.authorize", Authorize);
registerEvent("log.metric", LogMetric);
registerEvent("dtmf.input", DTMFInputEvent);
registerEvent("dtmf.output", DTMFOutputEvent);
