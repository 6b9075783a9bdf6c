import type { WebSocket } from "ws";

/**
 * Pings `ws` every `intervalMs` and terminates it when the previous ping got no pong: a peer that
 * vanished without a close (a dropped network, a killed process) is noticed within two intervals.
 * The pattern `ws` documents. Returns the undo; it also stops when the socket closes.
 * @example const stop = startHeartbeat(ws, 30_000, () => log.info("no pong, terminated"));
 */
export function startHeartbeat(ws: WebSocket, intervalMs: number, onDead: () => void): () => void {
  let alive = true;
  const onPong = () => {
    alive = true;
  };
  const timer = setInterval(() => {
    if (!alive) {
      stop();
      onDead();
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    ws.off("pong", onPong);
    ws.off("close", stop);
  };
  ws.on("pong", onPong);
  ws.on("close", stop);
  return stop;
}
