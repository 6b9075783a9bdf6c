import { UtteranceClassifier } from "../barge-in/backchannels.js";
import {
  BARGE_IN_DEFAULTS,
  type BargeInOptions,
  type UninterruptibleMode,
} from "../barge-in/barge-in-options.js";
import {
  AgentPaused,
  AgentResumed,
  UserBackchannel,
  type UserStartedSpeaking,
  type UserStoppedSpeaking,
  type UserTranscriptionReceived,
} from "../events.js";
import type { Message } from "../message.js";
import { chunkInterruptible } from "./chunk-interruptible.js";
import type { Generation } from "./generation.js";

/** What the barge-in runtime does to the world: the node's history, the bus, error reports. */
export interface BargeInHost {
  addEvent(event: object): void;
  onInterruptGenerate(message: Message): unknown;
  /** Publishes `AgentPaused` / `AgentResumed` as an event of `generation` (its id on the message). */
  announce(event: object, generation: Generation): void;
  reportError(message: Message, error: unknown): void;
}

/** A generation of the conversation that is running now. */
interface Live {
  readonly generation: Generation;
  /** The whole generation is uninterruptible (the conversation's `interruptible` option). */
  readonly whole: boolean;
  /** Set while held: resolved (with the held chunk going out) on resume, never on cancel. */
  held: Deferred<void> | undefined;
  /** The user started speaking during an uninterruptible segment: hold at its end. */
  holdAfterSegment: boolean;
  /** `"drop"` mode: the current utterance started during uninterruptible output, so it never cuts this one. */
  exempt: boolean;
}

type Verdict = "pending" | "false" | "real";

/** One user utterance that began while the agent was generating. */
interface Utterance {
  readonly start: Message<UserStartedSpeaking>;
  verdict: Verdict;
  text: string;
  userSpeaking: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The `UserStoppedSpeaking` that ended it: the turn trigger this utterance decides on. */
  stop: Message | undefined;
  /** The turn trigger waiting for the verdict: true once confirmed real (after `chain`), else false. */
  parked: Deferred<boolean> | undefined;
  /** The confirmed interruption's work: cancelled generations torn down, transcript recorded, handler run. */
  chain: Promise<void>;
}

/**
 * The barge-in policy of one conversation, as a state machine fed by the conversation's routes:
 * user started/stopped speaking and transcripts in; holds, resumes and cancels of the running
 * generations out. A hold is back-pressure: the generation's next chunk does not go out (its
 * delivery promise stays pending), so its generator stays parked at `yield`; nothing is cancelled
 * until the interruption is confirmed.
 */
export class BargeIn {
  readonly #host: BargeInHost;
  readonly #classifier: UtteranceClassifier;
  readonly #falseInterruptionMs: number;
  readonly #uninterruptible: UninterruptibleMode;
  /** No policy, only the `"drop"` mode: every utterance is a real interruption at once. */
  readonly #immediate: boolean;
  readonly #live = new Map<Generation, Live>();
  #utterance: Utterance | undefined;
  /** The work of the last confirmed interruption, while it runs. */
  #tearingDown: Promise<void> | undefined;
  #closed = false;

  constructor(
    host: BargeInHost,
    options: { bargeIn: BargeInOptions | undefined; uninterruptible: UninterruptibleMode },
  ) {
    this.#host = host;
    const policy = options.bargeIn;
    this.#immediate = policy === undefined;
    this.#classifier = new UtteranceClassifier({
      backchannels: policy?.backchannels ?? BARGE_IN_DEFAULTS.backchannels,
      minWords: policy?.minWords ?? BARGE_IN_DEFAULTS.minWords,
    });
    this.#falseInterruptionMs =
      policy?.falseInterruptionMs ?? BARGE_IN_DEFAULTS.falseInterruptionMs;
    this.#uninterruptible = options.uninterruptible;
  }

  /** The user started speaking: hold every running generation (or defer / drop, by policy). */
  userStarted(message: Message<UserStartedSpeaking>): void {
    const current = this.#utterance;
    if (current !== undefined) {
      if (current.userSpeaking) return; // a repeated start
      if (current.verdict === "pending") {
        // Spoke again inside the confirmation window: the same utterance goes on.
        // The turn trigger of its first part never starts (as an interrupt fences triggers before it).
        clearTimeout(current.timer);
        current.timer = undefined;
        current.userSpeaking = true;
        current.stop = undefined;
        current.parked?.resolve(false);
        current.parked = undefined;
        return;
      }
    }
    this.#utterance = undefined;
    if (this.#live.size === 0 || this.#closed) return; // not a barge-in: nothing is generating
    const utterance: Utterance = {
      start: message,
      verdict: "pending",
      text: "",
      userSpeaking: true,
      timer: undefined,
      stop: undefined,
      parked: undefined,
      chain: Promise.resolve(),
    };
    this.#utterance = utterance;
    for (const live of this.#live.values()) {
      if (live.whole || live.generation.shielded) {
        if (this.#uninterruptible === "drop") live.exempt = true;
        else if (!live.whole) live.holdAfterSegment = true;
      } else if (!this.#immediate) {
        this.#hold(live);
      }
    }
    if (this.#immediate) this.#confirm(utterance, undefined);
  }

  /** The user stopped: a pending utterance now has `falseInterruptionMs` to be confirmed by a transcript. */
  userStopped(message: Message<UserStoppedSpeaking>): void {
    const utterance = this.#utterance;
    if (utterance === undefined || !utterance.userSpeaking) return;
    utterance.userSpeaking = false;
    utterance.stop = message;
    if (utterance.verdict === "pending") {
      utterance.timer = setTimeout(
        () => this.#falseInterruption(utterance),
        this.#falseInterruptionMs,
      );
    }
  }

  /**
   * A transcript: outside a barge-in it joins the history as usual; during one it decides the
   * utterance — a backchannel or a short one is recorded as a `UserBackchannel` and the held
   * generations resume; a real one cancels them and is recorded once they have torn down.
   */
  transcript(message: Message<UserTranscriptionReceived>): void | Promise<void> {
    const utterance = this.#utterance;
    if (utterance === undefined) {
      // A late transcript (its utterance was already found false) must not split the agent's turn.
      const aside =
        !this.#immediate &&
        this.#live.size > 0 &&
        this.#classifier.classify(message.event.content) !== "real";
      this.#host.addEvent(
        aside ? new UserBackchannel({ content: message.event.content }) : message,
      );
      return;
    }
    if (utterance.verdict === "real") {
      utterance.chain = utterance.chain.then(() => this.#host.addEvent(message));
      return utterance.chain;
    }
    const content = message.event.content;
    utterance.text = utterance.text === "" ? content : `${utterance.text} ${content}`;
    if (this.#classifier.classify(utterance.text) === "real") {
      this.#confirm(utterance, message);
      return utterance.chain;
    }
    this.#host.addEvent(new UserBackchannel({ content }));
    if (utterance.verdict === "pending") this.#falseInterruption(utterance);
  }

  /**
   * A turn trigger: starts at once, unless it is the end of an utterance that overlapped the
   * agent — then it waits for the verdict and starts only for a real interruption, after the
   * cancelled generations tore down and the transcript was recorded.
   */
  admit(message: Message, generation: Generation, whole: boolean): boolean | Promise<boolean> {
    const utterance = this.#utterance;
    if (utterance === undefined || utterance.stop !== message) {
      // A trigger during a confirmed interruption's teardown starts after it, as without a policy.
      const tearingDown = this.#tearingDown;
      return tearingDown === undefined
        ? this.#track(generation, whole)
        : tearingDown.then(() => this.#track(generation, whole));
    }
    switch (utterance.verdict) {
      case "false":
        this.#utterance = undefined;
        return false;
      case "real":
        this.#utterance = undefined;
        return utterance.chain.then(() => this.#track(generation, whole));
      case "pending": {
        const parked = deferred<boolean>();
        utterance.parked = parked;
        return parked.promise.then((real) => {
          if (this.#utterance === utterance && utterance.stop === message) {
            this.#utterance = undefined;
          }
          return real && !generation.cancelled ? this.#track(generation, whole) : false;
        });
      }
    }
  }

  /**
   * The chunk a generation is about to send: passes at once, or (held) once the generation
   * resumes. A cancel wakes the route's await and the chunk is dropped.
   */
  deliver<T>(chunk: T, generation: Generation): T | Promise<T> {
    const live = this.#live.get(generation);
    if (live === undefined) return chunk;
    if (live.holdAfterSegment && chunkInterruptible(chunk) === true) {
      live.holdAfterSegment = false;
      this.#hold(live);
    }
    const held = live.held;
    return held === undefined ? chunk : held.promise.then(() => chunk);
  }

  /** Ends the policy's timers; parked turns are told not to start. Idempotent. */
  close(): void {
    this.#closed = true;
    const utterance = this.#utterance;
    this.#utterance = undefined;
    if (utterance !== undefined) {
      clearTimeout(utterance.timer);
      utterance.parked?.resolve(false);
    }
    this.#live.clear();
  }

  #track(generation: Generation, whole: boolean): boolean {
    if (this.#closed || generation.cancelled) return false;
    const live: Live = {
      generation,
      whole,
      held: undefined,
      holdAfterSegment: false,
      exempt: false,
    };
    this.#live.set(generation, live);
    generation.onTeardown(() => this.#live.delete(generation));
    return true;
  }

  #hold(live: Live): void {
    if (live.held !== undefined) return;
    live.held = deferred();
    this.#host.announce(new AgentPaused(), live.generation);
  }

  /** A false interruption: every held generation goes on exactly where it was held. */
  #falseInterruption(utterance: Utterance): void {
    clearTimeout(utterance.timer);
    utterance.timer = undefined;
    utterance.verdict = "false";
    for (const live of this.#live.values()) {
      live.holdAfterSegment = false;
      live.exempt = false;
      const held = live.held;
      if (held === undefined) continue;
      live.held = undefined;
      this.#host.announce(new AgentResumed(), live.generation);
      held.resolve();
    }
    utterance.parked?.resolve(false);
    utterance.parked = undefined;
  }

  /** A real interruption: cancel (or, in a segment, defer) every generation, as without a policy. */
  #confirm(utterance: Utterance, transcript: Message<UserTranscriptionReceived> | undefined): void {
    clearTimeout(utterance.timer);
    utterance.timer = undefined;
    utterance.verdict = "real";
    let cancelledAny = false;
    const endings: Promise<void>[] = [];
    for (const live of this.#live.values()) {
      live.holdAfterSegment = false;
      live.held = undefined; // never resolved: the cancel wakes the held delivery
      if (!live.exempt && live.generation.cancel()) cancelledAny = true;
      endings.push(live.generation.finished);
    }
    const start = utterance.start;
    const parked = utterance.parked;
    utterance.parked = undefined;
    utterance.chain = (async () => {
      await Promise.all(endings);
      if (transcript !== undefined) this.#host.addEvent(transcript);
      if (cancelledAny) await this.#host.onInterruptGenerate(start);
    })().catch((error: unknown) => this.#host.reportError(start, error));
    const chain = utterance.chain;
    this.#tearingDown = chain;
    void chain.then(() => {
      if (this.#tearingDown === chain) this.#tearingDown = undefined;
      parked?.resolve(true);
    });
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => (resolve = res));
  return { promise, resolve };
}
