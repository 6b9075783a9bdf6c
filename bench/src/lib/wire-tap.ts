import { WebSocket, type RawData } from "ws";
import { now } from "./stats.js";

/** Called with the time a frame arrived at (or was handed to) a server-side socket. */
export interface TapHooks {
  onArrival?: (at: number, data: RawData) => void;
  onWrite?: (at: number, data: unknown) => void;
}

export interface WireTap {
  /** Sockets whose frames are not recorded (clients living in the same process). */
  readonly ignored: WeakSet<WebSocket>;
  uninstall(): void;
}

type Emit = (this: WebSocket, event: string | symbol, ...args: unknown[]) => boolean;
type Send = (this: WebSocket, data: unknown, ...rest: unknown[]) => void;

/**
 * Timestamps frames where the server's WebSocket sees them: `message` as ws emits it (before any
 * listener, so before the harness parses it) and `send()` as the server calls it. Installed on
 * `ws`'s prototype, so the framework's server and the bare baseline are measured at the same
 * points with the same overhead. Measurement only; the bench owns it.
 */
export function installWireTap(hooks: TapHooks): WireTap {
  const proto = WebSocket.prototype as unknown as { emit: Emit; send: Send };
  const originalEmit = proto.emit;
  const originalSend = proto.send;
  const ignored = new WeakSet<WebSocket>();
  const { onArrival, onWrite } = hooks;
  proto.emit = function (this: WebSocket, event, ...args) {
    if (event === "message" && onArrival !== undefined && !ignored.has(this))
      onArrival(now(), args[0] as RawData);
    return originalEmit.call(this, event, ...args);
  };
  proto.send = function (this: WebSocket, data, ...rest) {
    if (onWrite !== undefined && !ignored.has(this)) onWrite(now(), data);
    originalSend.call(this, data, ...rest);
  };
  return {
    ignored,
    uninstall() {
      proto.emit = originalEmit;
      proto.send = originalSend;
    },
  };
}

/** The text of a frame as ws hands it over (a Buffer, an ArrayBuffer or fragments). */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  return data.toString("utf8");
}
