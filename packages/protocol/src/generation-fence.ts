/**
 * Client-side fencing of interrupted generations: once the user talks over the agent, frames of
 * the generation it was speaking that are still on the wire are dropped. Browser-safe.
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
  admit(frame: { generation_id?: string | undefined }): boolean {
    const id = frame.generation_id;
    if (id === undefined) return true;
    if (this.#fenced.has(id)) return false;
    this.#speaking = id;
    return true;
  }

  /** True when `frame` belongs to a fenced generation. Does not record anything. */
  isFenced(frame: { generation_id?: string | undefined }): boolean {
    return frame.generation_id !== undefined && this.#fenced.has(frame.generation_id);
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
