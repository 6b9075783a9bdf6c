import { createInterface, emitKeypressEvents } from "node:readline";
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
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });

  let agentTalking = false;
  let turnStartedAt: number | undefined;
  let firstChunkMs: number | undefined;
  let interruptSent = false;
  let waitingForReply: (() => void) | undefined;
  let exitCode = 0;

  const send = (frame: Frame) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  const endReply = () => {
    if (agentTalking) write("\n");
    agentTalking = false;
    waitingForReply?.();
    waitingForReply = undefined;
  };

  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("message", (data: Buffer, isBinary) => {
    if (isBinary) return;
    let frame: Frame;
    try {
      frame = JSON.parse(data.toString("utf8")) as Frame;
    } catch {
      write("[error] the agent sent a frame that is not JSON\n");
      return;
    }
    switch (frame.type) {
      case "message": {
        if (!agentTalking) {
          agentTalking = true;
          interruptSent = false;
          if (turnStartedAt !== undefined) firstChunkMs = performance.now() - turnStartedAt;
          write("agent > ");
        }
        write(stringify(frame["content"] ?? ""));
        return;
      }
      case "tool_call": {
        const result = frame["result"] === undefined ? "" : ` -> ${stringify(frame["result"])}`;
        write(
          `${agentTalking ? "\n" : ""}[tool] ${String(frame["name"])} ${stringify(frame["arguments"])}${result}\n`,
        );
        if (agentTalking) write("agent > ");
        return;
      }
      case "log_event": {
        if (frame["event"] === "generation_complete") {
          const ttfc =
            firstChunkMs === undefined ? "" : ` (first chunk ${firstChunkMs.toFixed(0)} ms)`;
          if (agentTalking) write(`${ttfc}`);
          turnStartedAt = undefined;
          firstChunkMs = undefined;
          endReply();
        } else if (options.verbose === true) {
          write(`[event] ${stringify(frame["event"])} ${stringify(frame["metadata"] ?? {})}\n`);
        }
        return;
      }
      case "log_metric":
        if (options.verbose === true)
          write(`[metric] ${String(frame["name"])}=${String(frame["value"])}\n`);
        return;
      case "end_call":
        endReply();
        write("[call ended by the agent]\n");
        socket.close(1000, "call ended");
        return;
      case "transfer":
        endReply();
        write(`[transferring to ${String(frame["target_phone_number"])}]\n`);
        return;
      case "dtmf":
        write(`[dtmf ${String(frame["button"])}]\n`);
        return;
      case "error":
        write(`${agentTalking ? "\n" : ""}[error] ${String(frame["content"])}\n`);
        endReply();
        return;
      default:
        if (options.verbose === true) write(`[frame] ${stringify(frame)}\n`);
    }
  });

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
        send({ type: "user_state", value: "speaking" });
      }
    });
    write(
      "Connected. Type a message and press Enter; type while the agent talks to interrupt. Ctrl+C quits.\n",
    );
    lines.on("line", sayLine);
    await Promise.race([closed, new Promise<void>((resolve) => lines.once("close", resolve))]);
  } else {
    const timeoutMs = options.replyTimeoutMs ?? 30_000;
    for await (const line of lines) {
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

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
