import type { OutputFrame } from "./output-frames.js";

/**
 * WebSocket close codes of the protocol (RFC 6455).
 * @example socket.close(CloseCode.normal, "call ended");
 */
export const CloseCode = {
  /** The call ended (`end_call`, transfer done, or the session was closed on purpose). */
  normal: 1000,
  /** The server is shutting down. */
  goingAway: 1001,
  /** The client broke a limit: it reads output too slowly or floods input faster than it is handled. */
  policyViolation: 1008,
  /** A frame was larger than the server's `maxFrameBytes`. */
  messageTooBig: 1009,
  /** The agent failed to set the session up. */
  internalError: 1011,
} as const;

/**
 * Where a transport delivers the user's input: called once per input event, in arrival order.
 * The returned promise is the bus's back-pressure: a transport that has a pending one reads no
 * more input until it settles (control events still act at once inside the bus).
 * @example const port: InputPort = (event) => userBridge.publish(event);
 */
export type InputPort = (event: object) => Promise<void> | void;

/** How a transport's session ended: the close code and reason, and which side started the close. */
export interface TransportEnd {
  code: number;
  reason: string;
  by: "client" | "server";
}

/**
 * One conversation's connection to the user, whatever carries it (a WebSocket, an in-process
 * pair, a telephony media stream): input events in through an {@link InputPort}, output frames out.
 * `ConversationHarness` (server, over `ws`) is the WebSocket implementation.
 * @example
 * class Loopback implements Transport {
 *   ended = new Promise<TransportEnd>(() => {});
 *   connectInput(_port: InputPort): void {}
 *   send(_frame: OutputFrame): boolean { return true; }
 *   async close(): Promise<void> {}
 * }
 */
export interface Transport {
  /**
   * Starts delivering input events to `port` (once; a second port is an error). Input that
   * arrives before is held back by the transport (a socket is not read) and delivered in order.
   */
  connectInput(port: InputPort): void;
  /** Sends one output frame in order; false (and nothing sent) once the session is closing. */
  send(frame: OutputFrame): boolean;
  /** Ends the session (idempotent) and resolves once the connection is closed. */
  close(code?: number, reason?: string): Promise<unknown>;
  /** Resolves as soon as the session is over, from either side. */
  readonly ended: Promise<TransportEnd>;
}
