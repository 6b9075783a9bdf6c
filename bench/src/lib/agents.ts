import type { AddressInfo } from "node:net";
import {
  Bridge,
  ReasoningNode,
  UserStartedSpeaking,
  createLogger,
  isAbortError,
  type ConversationContext,
  type Message,
} from "@switchboard/core";
import { VoiceAgentApp } from "@switchboard/server";
import { randomBytes } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { rawText } from "./wire-tap.js";

/** A scripted model: what one turn yields, given the turn number (from 1) and the generation's signal. */
export type Script = (turn: number, signal: AbortSignal) => AsyncIterable<string>;

/** What the bench learns from inside a server, framework or bare. */
export interface AgentHooks {
  /** The interrupt reached the point after which nothing of `turn` may be written. */
  onFence?: (turn: number) => void;
  /** A cancelled generation finished tearing down (the interrupt handler ran). */
  onInterrupted?: (turn: number) => void;
  /** A route failed (framework) or a generation threw (baseline). */
  onError?: (error: unknown) => void;
}

export interface RunningServer {
  wsUrl: string;
  sessions(): number;
  close(): Promise<void>;
}

/** A ReasoningNode whose answers come from a script; turns are numbered per session. */
class ScriptedNode extends ReasoningNode {
  turn = 0;
  readonly #script: Script;
  readonly #hooks: AgentHooks;

  constructor(script: Script, hooks: AgentHooks) {
    super({ systemPrompt: "bench", nodeId: "agent" });
    this.#script = script;
    this.#hooks = hooks;
  }

  protected override processContext(context: ConversationContext): AsyncIterable<string> {
    return this.#script(++this.turn, context.signal);
  }

  override onInterruptGenerate(message: Message): void {
    void super.onInterruptGenerate(message);
    this.#hooks.onInterrupted?.(this.turn);
  }
}

/** The framework: a real VoiceAgentApp whose calls run `bridge.conversation(node)`. */
export async function startFrameworkServer(
  script: Script,
  hooks: AgentHooks,
): Promise<RunningServer> {
  const app = new VoiceAgentApp(
    async (system) => {
      const node = new ScriptedNode(script, hooks);
      const bridge = new Bridge(node);
      bridge.conversation(node);
      system.withSpeakingNode(node, bridge);
      // The fence: once the interrupt is delivered, the bus has dropped everything the cancelled
      // generation had queued; any later frame of that turn would be stale. Only a workload that
      // asks for it listens: a listener on every message is not part of the framework's cost.
      const { onFence, onError } = hooks;
      const subscription =
        onFence === undefined
          ? undefined
          : system.bus.messages$.subscribe((message) => {
              if (message.event instanceof UserStartedSpeaking) onFence(node.turn);
            });
      const errors =
        onError === undefined
          ? undefined
          : system.bus.errors$.subscribe((failure) => onError(failure.error));
      await system.start();
      await system.waitForShutdown();
      subscription?.unsubscribe();
      errors?.unsubscribe();
    },
    {
      logger: createLogger({ level: "silent" }),
      // The wire workload's client takes turns back to back (~3 frames per ms), far above the
      // default 200 frames/s a human caller never reaches.
      harness: { maxFramesPerSecond: 100_000 },
    },
  );
  const { port } = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    sessions: () => app.sessionCount,
    close: () => app.close(),
  };
}

interface InputFrame {
  type: string;
  value?: string;
  content?: string;
}

/** The end of a generation in the whole protocol: its completion, with its metrics. */
function sendEnd(
  ws: WebSocket,
  generationId: string,
  end: { ttfcMs: number; durationMs: number; chunks: number; length: number },
): void {
  const round = (ms: number) => Math.round(ms * 100) / 100;
  ws.send(
    JSON.stringify({
      type: "log_event",
      event: "generation_complete",
      metadata: {
        total_length: end.length,
        chunk_count: end.chunks,
        interrupted: false,
        ttfc_ms: round(end.ttfcMs),
        duration_ms: round(end.durationMs),
      },
      generation_id: generationId,
    }),
  );
}

/** Generation ids as the framework draws them: a random prefix and a counter. */
const generationPrefix = randomBytes(6).toString("base64url");
let generationCounter = 0;

/** Options of the bare baseline. */
export interface BaselineOptions {
  /**
   * Speak the whole wire protocol the framework speaks: every frame of a generation carries its
   * `generation_id`, and a `generation_complete` with its totals and metrics (ttfc, duration)
   * ends it. Without it, the least that a caller understands: chunks and a bare
   * `generation_complete`.
   */
  fullProtocol?: boolean;
}

/**
 * The bare baseline: the least code that speaks the protocol — a `ws` server, JSON.parse,
 * an AbortController per generation, `for await` over the script and `ws.send` per chunk.
 */
export async function startBaselineServer(
  script: Script,
  hooks: AgentHooks,
  { fullProtocol = false }: BaselineOptions = {},
): Promise<RunningServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  let open = 0;
  wss.on("connection", (ws) => {
    open += 1;
    let turn = 0;
    let controller: AbortController | undefined;
    let running: Promise<void> = Promise.resolve();
    const history: string[] = [];
    ws.on("close", () => {
      open -= 1;
      controller?.abort();
    });
    ws.on("message", (data) => {
      const frame = JSON.parse(rawText(data)) as InputFrame;
      if (frame.type === "message" && frame.content !== undefined) history.push(frame.content);
      if (frame.type !== "user_state") return;
      if (frame.value === "speaking" && controller !== undefined) {
        const cancelled = turn;
        controller.abort();
        controller = undefined;
        hooks.onFence?.(cancelled);
        void running.then(() => hooks.onInterrupted?.(cancelled));
      } else if (frame.value === "idle") {
        const own = new AbortController();
        controller = own;
        const thisTurn = ++turn;
        running = (async () => {
          try {
            let text = "";
            const startedAt = performance.now();
            const generationId = fullProtocol
              ? generationPrefix + (generationCounter++).toString(36)
              : undefined;
            let firstChunkAt: number | undefined;
            let chunks = 0;
            for await (const chunk of script(thisTurn, own.signal)) {
              if (own.signal.aborted) return;
              text += chunk;
              chunks++;
              firstChunkAt ??= performance.now();
              ws.send(
                JSON.stringify(
                  generationId === undefined
                    ? { type: "message", content: chunk }
                    : { type: "message", content: chunk, generation_id: generationId },
                ),
              );
            }
            history.push(text);
            if (generationId === undefined) {
              ws.send(JSON.stringify({ type: "log_event", event: "generation_complete" }));
            } else {
              sendEnd(ws, generationId, {
                ttfcMs: (firstChunkAt ?? startedAt) - startedAt,
                durationMs: performance.now() - startedAt,
                chunks,
                length: text.length,
              });
            }
          } catch (error) {
            if (!isAbortError(error)) hooks.onError?.(error);
          } finally {
            if (controller === own) controller = undefined;
          }
        })();
      }
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    sessions: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
