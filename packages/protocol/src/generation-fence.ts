import { AGENT_RESUMED_EVENT } from "./output-frames.js";

/** The fields of a frame a {@link GenerationFence} reads. */
export interface FencedFrame {
  type?: string | undefined;
  event?: string | undefined;
  generation_id?: string | undefined;
}

/**
 * How many dropped frames of the latest fenced generation a {@link GenerationFence} keeps, in case
 * the server resumes it (about what is in flight in one round trip; more are dropped for good).
 */
export const FENCE_MAX_HELD_FRAMES = 256;

/**
 * Client-side fencing of interrupted generations: once the user talks over the agent, frames of
 * the generation it was speaking that are still on the wire are dropped — unless the server says
 * `log_event agent_resumed` for it (a barge-in policy kept it going). Then the frames dropped
 * meanwhile (in flight when the user spoke, so the server counted them delivered) are given back
 * by {@link GenerationFence.takeHeld}, and nothing of the resumed answer is lost. Browser-safe.
 * @example
 * const fence = new GenerationFence();
 * socket.onmessage = (e) => {
 *   const frame = JSON.parse(e.data);
 *   if (!fence.admit(frame)) return; // a late frame of an interrupted generation
 *   render(frame);
 * };
 * onUserSpeaks(() => fence.interrupt());
 */
export class GenerationFence<F extends FencedFrame = FencedFrame> {
  #speaking: string | undefined;
  readonly #fenced = new Set<string>();
  /** Frames of the latest fenced generation dropped since its fence, while it may yet resume. */
  #held: { id: string; frames: F[] } | undefined;

  /** The generation whose frames were admitted last, until it is interrupted. */
  get speaking(): string | undefined {
    return this.#speaking;
  }

  /**
   * Records a received frame. False when it belongs to a fenced generation (drop it); a frame
   * without `generation_id` is always admitted.
   */
  admit(frame: F): boolean {
    const id = frame.generation_id;
    if (id === undefined) return true;
    if (this.#fenced.has(id)) {
      // A barge-in policy held the generation and found the user did not really interrupt: it
      // goes on where it was, so its frames count again.
      if (frame.type !== "log_event" || frame.event !== AGENT_RESUMED_EVENT) {
        this.#hold(id, frame);
        return false;
      }
      this.#fenced.delete(id);
    } else if (this.#held !== undefined && this.#held.id !== id) {
      // Another generation speaks: the fenced one was cancelled, not held.
      this.#held = undefined;
    }
    this.#speaking = id;
    return true;
  }

  /**
   * The frames of `generationId` dropped while it was fenced, in order, once: call it when its
   * `agent_resumed` was admitted, and render them before the frames that follow.
   * @example if (isResumed(frame)) for (const late of fence.takeHeld(frame.generation_id)) render(late);
   */
  takeHeld(generationId: string): F[] {
    const held = this.#held;
    if (held === undefined || held.id !== generationId) return [];
    this.#held = undefined;
    return held.frames;
  }

  /** Keeps a dropped frame of the latest fenced generation (older ones cannot resume). */
  #hold(id: string, frame: F): void {
    const held = this.#held;
    if (held?.id === id && held.frames.length < FENCE_MAX_HELD_FRAMES) held.frames.push(frame);
  }

  /** True when `frame` belongs to a fenced generation. Does not record anything. */
  isFenced(frame: { generation_id?: string | undefined }): boolean {
    return frame.generation_id !== undefined && this.#fenced.has(frame.generation_id);
  }

  /**
   * Fences a generation by id: the server said it was cancelled (e.g. the playground's debug trace),
   * possibly before any of its frames arrived. Its frames are dropped from now on.
   * @example fence.fence("9b2c…")
   */
  fence(generationId: string): void {
    this.#fenced.add(generationId);
    if (this.#held?.id !== generationId) this.#held = { id: generationId, frames: [] };
    if (this.#speaking === generationId) this.#speaking = undefined;
  }

  /**
   * The user interrupts: fences the generation being spoken, so its late frames are dropped.
   * Returns the fenced generation's id (undefined when nothing was speaking).
   */
  interrupt(): string | undefined {
    const id = this.#speaking;
    if (id !== undefined) {
      this.#fenced.add(id);
      this.#held = { id, frames: [] };
    }
    this.#speaking = undefined;
    return id;
  }
}
