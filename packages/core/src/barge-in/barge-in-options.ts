import { DEFAULT_BACKCHANNELS } from "./backchannels.js";

/**
 * The barge-in policy of a conversation: when the user starts speaking over the agent, the
 * generation is held (paused) instead of cancelled, and resumes exactly where it was if the user
 * only backchannelled, said fewer than `minWords` words, or said nothing within
 * `falseInterruptionMs` after stopping. Otherwise it is cancelled as without a policy.
 * @example bridge.conversation(node, { bargeIn: { minWords: 2, falseInterruptionMs: 1500 } })
 */
export interface BargeInOptions {
  /** Utterances with fewer words (that are not backchannels) do not interrupt. Default 1. */
  minWords?: number;
  /** Phrases that never interrupt. Default: the built-in lists of en, es, de and fr (`BACKCHANNELS`). */
  backchannels?: readonly string[];
  /** How long after the user stops a transcript may still confirm the interruption. Default 2000 ms. */
  falseInterruptionMs?: number;
}

/** What an interrupt arriving during uninterruptible output does. */
export type UninterruptibleMode = "defer" | "drop";

/** The defaults of {@link BargeInOptions}, named so docs and tests can cite them. */
export const BARGE_IN_DEFAULTS = {
  minWords: 1,
  falseInterruptionMs: 2000,
  backchannels: DEFAULT_BACKCHANNELS,
} as const;
