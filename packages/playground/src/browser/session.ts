import { parseOutputFrame, type InputFrame, type OutputFrame } from "@switchboard/protocol";
import { DEBUG_QUERY_PARAM } from "../debug-channel.js";
import { show } from "./dom.js";

/** A frame the page sends (client → agent). */
export type ClientFrame = InputFrame;

/** A frame the agent sent, validated against the protocol's schemas. */
export type AgentFrame = OutputFrame;

/** What a session reports to the page. */
export interface SessionEvents {
  /** A frame went out (`direction: "out"`) or came in (`"in"`), at `at` ms since the epoch. */
  onFrame(direction: "in" | "out", frame: AgentFrame | ClientFrame, at: number): void;
  /** A frame that is not valid protocol: shown, never acted on. */
  onInvalidFrame(text: string, problem: string, at: number): void;
  onStatus(status: string): void;
  onClose(code: number, reason: string): void;
}

/**
 * One call with the agent that served the page: `POST /chats`, then its WebSocket (with the debug
 * channel asked for), JSON frames both ways.
 */
export class Session {
  readonly #events: SessionEvents;
  #socket: WebSocket | undefined;
  #closed = false;

  constructor(events: SessionEvents) {
    this.#events = events;
  }

  /** Starts the call; resolves once the WebSocket is open. */
  async open(): Promise<void> {
    this.#events.onStatus("starting a call…");
    const response = await fetch("/chats", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        from: "playground",
        to: "agent",
        metadata: { client: "switchboard-playground" },
      }),
    });
    const body = (await response.json()) as { websocket_url?: unknown; error?: unknown };
    if (!response.ok || typeof body.websocket_url !== "string") {
      throw new Error(`POST /chats failed (${response.status}): ${show(body.error ?? "")}`);
    }
    const url = new URL(body.websocket_url, location.href);
    url.searchParams.set(DEBUG_QUERY_PARAM, "1");
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.addEventListener("message", (message: MessageEvent<unknown>) => {
      if (typeof message.data !== "string") return;
      const parsed = parseOutputFrame(message.data);
      if (parsed.ok) this.#events.onFrame("in", parsed.frame, Date.now());
      else this.#events.onInvalidFrame(message.data, parsed.error, Date.now());
    });
    socket.addEventListener("close", (event) => {
      this.#closed = true;
      this.#events.onClose(event.code, event.reason);
    });
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error("the WebSocket failed")), {
        once: true,
      });
    });
    this.#events.onStatus("connected");
  }

  get isOpen(): boolean {
    return !this.#closed && this.#socket?.readyState === WebSocket.OPEN;
  }

  /** Sends one frame; false when the call is not open. */
  send(frame: ClientFrame): boolean {
    if (!this.isOpen || this.#socket === undefined) return false;
    this.#socket.send(JSON.stringify(frame));
    this.#events.onFrame("out", frame, Date.now());
    return true;
  }

  /** Hangs up. */
  close(): void {
    this.#socket?.close(1000, "playground closed");
  }
}
