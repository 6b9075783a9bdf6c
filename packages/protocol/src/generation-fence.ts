import { AGENT_RESUMED_EVENT } from "./output-frames.js";

/**
 * Client-side fencing of interrupted generations: once the user talks over the agent, frames of
 * the generation it was speaking that are still on the wire are dropped — unless the server says
 * `log_event agent_resumed` for it (a barge-in policy kept it going). Browser-safe.
 * @example
 * const fence = new GenerationFence();
 * socket.onmessage = (e) => {
 *   const frame = JSON.parse(e.data);
 *   if (!fence.admit(frame)) return; // a late frame of an interrupted generation
 *   render(frame);
 * };
 * onUserSpeaks(() => fence.interrupt());
 */
export class GenerationFence {
  #speaking: string | undefined;
  readonly #fenced = new Set<string>();

  /** The generation whose frames were admitted last, until it is interrupted. */
  get speaking(): string | undefined {
    return this.#speaking;
  }

  /**
   * Records a received frame. False when it belongs to a fenced generation (drop it); a frame
   * without `generation_id` is always admitted.
   */
  admit(frame: { type?: string; event?: string; generation_id?: string | undefined }): boolean {
    const id = frame.generation_id;
    if (id === undefined) return true;
    if (this.#fenced.has(id)) {
      // A barge-in policy held the generation and found the user did not really interrupt: it
      // goes on where it was, so its frames count again.
      if (frame.type !== "log_event" || frame.event !== AGENT_RESUMED_EVENT) return false;
      this.#fenced.delete(id);
    }
    this.#speaking = id;
    return true;
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
    if (this.#speaking === generationId) this.#speaking = undefined;
  }

  /**
   * The user interrupts: fences the generation being spoken, so its late frames are dropped.
   * Returns the fenced generation's id (undefined when nothing was speaking).
   */
  interrupt(): string | undefined {
    const id = this.#speaking;
    if (id !== undefined) this.#fenced.add(id);
    this.#speaking = undefined;
    return id;
  }
}
