import { createInterface, emitKeypressEvents } from "node:readline";
import {
  AGENT_RESUMED_EVENT,
  GenerationFence,
  isGenerationComplete,
  type FencedFrame,
  type InputFrame,
} from "@switchboard/protocol";
import WebSocket from "ws";

/** Options of {@link runChat}. */
export interface ChatOptions {
  /** The agent's WebSocket URL (see `resolveWebSocketUrl`). */
  url: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** A terminal: typing while the agent talks interrupts it. Otherwise each line waits for the reply. */
  interactive: boolean;
  /** Also print metrics and log events. */
  verbose?: boolean;
  /** Piped mode: how long to wait for a reply before giving up. Default 30 s. */
  replyTimeoutMs?: number;
}

/** An output frame as received: read defensively, an agent may send fields of any shape. */
type Frame = { type: string } & Record<string, unknown>;

/**
 * Talks to a running agent over the harness protocol until the call ends or input closes.
 * Resolves with the process exit code.
 * @example process.exitCode = await runChat({ url, input: process.stdin, output: process.stdout, interactive: true });
 */
export async function runChat(options: ChatOptions): Promise<number> {
  const { output } = options;
  const write = (text: string) => output.write(text);
  const socket = new WebSocket(options.url);
  // Handlers are attached before awaiting "open": a greeting can arrive in the same packet.
  const opened = new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });

  let agentTalking = false;
  /** The cursor is in the middle of an `agent > …` line. */
  let lineOpen = false;
  /** Resolves when the agent's current reply ends (piped mode waits on it before the next line). */
  let idle: { promise: Promise<void>; resolve: () => void } | undefined;
  let firstFrame: (() => void) | undefined;
  /** The generations the user talked over: their late frames are dropped (or given back on resume). */
  const fence = new GenerationFence<FencedFrame & { frame: Frame }>();
  let turnStartedAt: number | undefined;
  let firstChunkMs: number | undefined;
  let interruptSent = false;
  let waitingForReply: (() => void) | undefined;
  let exitCode = 0;

  const send = (frame: InputFrame) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  /** Prints a line of its own, closing the agent's line first. */
  const writeLine = (text: string) => {
    if (lineOpen) write("\n");
    lineOpen = false;
    write(`${text}\n`);
  };
  const endReply = () => {
    if (lineOpen) write("\n");
    lineOpen = false;
    agentTalking = false;
    idle?.resolve();
    idle = undefined;
    waitingForReply?.();
    waitingForReply = undefined;
  };

  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("message", (data: Buffer, isBinary) => {
    if (isBinary) return;
    firstFrame?.();
    let frame: Frame;
    try {
      frame = JSON.parse(data.toString("utf8")) as Frame;
    } catch {
      write("[error] the agent sent a frame that is not JSON\n");
      return;
    }
    const generationId =
      typeof frame["generation_id"] === "string" ? frame["generation_id"] : undefined;
    const event = typeof frame["event"] === "string" ? frame["event"] : undefined;
    if (!fence.admit({ type: frame.type, event, generation_id: generationId, frame })) return;
    render(frame);
    // A barge-in policy resumed the answer: what was in flight when the user spoke comes next.
    if (event === AGENT_RESUMED_EVENT && generationId !== undefined) {
      for (const held of fence.takeHeld(generationId)) render(held.frame);
    }
  });

  /** Prints one admitted frame. */
  function render(frame: Frame): void {
    switch (frame.type) {
      case "message": {
        if (!agentTalking) {
          agentTalking = true;
          let resolve!: () => void;
          idle = { promise: new Promise<void>((r) => (resolve = r)), resolve };
          interruptSent = false;
          if (turnStartedAt !== undefined) firstChunkMs = performance.now() - turnStartedAt;
        }
        let content = stringify(frame["content"] ?? "");
        if (!lineOpen) {
          write("agent > ");
          lineOpen = true;
          content = content.trimStart();
        }
        write(content);
        return;
      }
      case "tool_call": {
        const call = `[tool] ${String(frame["name"])} ${stringify(frame["arguments"] ?? {})}`;
        writeLine(
          frame["result"] === undefined ? call : `${call} -> ${stringify(frame["result"])}`,
        );
        return;
      }
      case "log_event": {
        if (isGenerationComplete(frame)) {
          const ttfc =
            firstChunkMs === undefined ? "" : ` (first chunk ${firstChunkMs.toFixed(0)} ms)`;
          if (lineOpen) write(ttfc);
          turnStartedAt = undefined;
          firstChunkMs = undefined;
          endReply();
        }
        // A generation's metrics are in its completion's metadata.
        if (options.verbose === true) {
          writeLine(`[event] ${stringify(frame["event"])} ${stringify(frame["metadata"] ?? {})}`);
        }
        return;
      }
      case "log_metric":
        if (options.verbose === true)
          writeLine(`[metric] ${String(frame["name"])}=${String(frame["value"])}`);
        return;
      case "end_call":
        endReply();
        writeLine("[call ended by the agent]");
        socket.close(1000, "call ended");
        return;
      case "transfer":
        writeLine(`[transferring to ${String(frame["target_phone_number"])}]`);
        endReply();
        return;
      case "dtmf":
        writeLine(`[dtmf ${String(frame["button"])}]`);
        return;
      case "error":
        writeLine(`[error] ${String(frame["content"])}`);
        endReply();
        return;
      default:
        if (options.verbose === true) writeLine(`[frame] ${stringify(frame)}`);
    }
  }

  await opened;

  const sayLine = (line: string) => {
    const text = line.trim();
    if (text === "") return;
    if (!interruptSent) send({ type: "user_state", value: "speaking" });
    if (agentTalking) endReply();
    send({ type: "message", content: text });
    send({ type: "user_state", value: "idle" });
    turnStartedAt = performance.now();
    firstChunkMs = undefined;
    interruptSent = false;
  };

  const lines = options.interactive
    ? createInterface({ input: options.input, output, terminal: true })
    : createInterface({ input: options.input, terminal: false });
  if (options.interactive) {
    // A terminal readline reads key by key (raw mode), so the first key can interrupt.
    emitKeypressEvents(options.input);
    lines.on("SIGINT", () => lines.close());
    // The first key pressed while the agent talks is the user starting to speak: interrupt now.
    options.input.on("keypress", () => {
      if (agentTalking && !interruptSent) {
        interruptSent = true;
        fence.interrupt();
        send({ type: "user_state", value: "speaking" });
        endReply();
      }
    });
    write(
      "Connected. Type a message and press Enter; type while the agent talks to interrupt. Ctrl+C quits.\n",
    );
    lines.on("line", sayLine);
    await Promise.race([closed, new Promise<void>((resolve) => lines.once("close", resolve))]);
  } else {
    const timeoutMs = options.replyTimeoutMs ?? 30_000;
    // Start buffering lines now: readline drops lines that arrive before iteration starts.
    const pending = lines[Symbol.asyncIterator]();
    // Let a greeting start (it comes right after connecting) and finish before the first line.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GREETING_WINDOW_MS);
      firstFrame = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    firstFrame = undefined;
    await Promise.race([idle?.promise, closed]);
    for await (const line of { [Symbol.asyncIterator]: () => pending }) {
      if (socket.readyState !== WebSocket.OPEN) break;
      if (line.trim() === "") continue;
      write(`you > ${line.trim()}\n`);
      const replied = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        waitingForReply = () => {
          clearTimeout(timer);
          resolve(true);
        };
        void closed.then(() => waitingForReply?.());
      });
      sayLine(line);
      if (!(await replied)) {
        write(`[error] no reply within ${timeoutMs} ms\n`);
        exitCode = 1;
        break;
      }
    }
  }
  lines.close();
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
    socket.close(1000, "bye");
  await closed;
  return exitCode;
}

/** How long piped mode waits for a greeting to begin before sending its first line. */
const GREETING_WINDOW_MS = 1000;

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
