import type { WebSocket } from "ws";

interface Corkable {
  cork(): void;
  uncork(): void;
}

function isCorkable(value: unknown): value is Corkable {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<Corkable>).cork === "function" &&
    typeof (value as Partial<Corkable>).uncork === "function"
  );
}

/**
 * Coalesces the frames one connection sends in one tick into one write: the tick's first frame
 * corks the TCP socket under `ws`, and the end of the tick (`process.nextTick`) uncorks it, so a
 * generation's last chunk, its metrics and its completion leave in one `writev` instead of one
 * syscall each. A frame sent alone in its tick (a paced chunk) leaves at the end of that tick,
 * before any I/O is polled: no added latency to speak of.
 * `ws` does not expose its socket (`_socket` is internal): without a corkable one, frames go out
 * as they are sent, as before.
 */
export class TickWriteCoalescer {
  readonly #socket: Corkable | undefined;
  #corked = false;

  constructor(ws: WebSocket) {
    const socket = (ws as unknown as { _socket?: unknown })._socket;
    this.#socket = isCorkable(socket) ? socket : undefined;
  }

  /** Call before each frame is handed to `ws`: holds the socket's writes until the tick ends. */
  hold(): void {
    if (this.#corked || this.#socket === undefined) return;
    this.#corked = true;
    this.#socket.cork();
    process.nextTick(this.#release);
  }

  readonly #release = (): void => {
    this.#corked = false;
    this.#socket?.uncork();
  };
}
