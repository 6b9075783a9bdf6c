import { newCallId } from "@switchboard/protocol";
import {
  HarnessClient,
  type HarnessClientOptions,
  type Reply,
} from "../harness-client/harness-client.js";

/** Anything that serves agents over HTTP and WebSocket the way `VoiceAgentApp` does. */
export interface AgentServer {
  listen(options: { port?: number; host?: string }): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** Options of {@link ConversationRunner.start}. */
export interface ConversationRunnerOptions extends HarnessClientOptions {
  /** Fields of Line's `POST /chats` body (snake_case), merged over test defaults. */
  call?: {
    call_id?: string;
    from?: string;
    to?: string;
    agent_call_id?: string;
    agent?: { system_prompt?: string; introduction?: string };
    metadata?: Record<string, unknown>;
  };
  /** Wait for the agent's greeting before the first turn. Default `true`; `false` for agents that don't greet. */
  greeting?: boolean;
}

/** One line of a conversation's transcript. */
export interface TranscriptLine {
  speaker: "user" | "agent" | "tool";
  text: string;
}

/**
 * Runs a conversation with an agent app for a test: starts it on loopback, places a call the
 * way a telephony platform would (`POST /chats`, then the WebSocket), and plays user turns.
 * Nothing is mocked but the model behind the agent.
 * @example
 * const convo = await ConversationRunner.start(createMyApp({ llm: new ScriptedChat({ firstTokenDelayMs: 0 }) }));
 * expect(convo.greeting?.text).toMatch(/hello/i);
 * expect((await convo.turn("What's the weather in Paris?")).text).toMatch(/Paris/);
 * await convo.close();
 */
export class ConversationRunner {
  /** The client on the call: for interrupts, raw frames and anything `turn()` doesn't cover. */
  readonly client: HarnessClient;
  /** The greeting, when the runner waited for one. */
  readonly greeting: Reply | undefined;
  /** Who said what, in order (tool calls included). */
  readonly transcript: TranscriptLine[] = [];
  readonly #app: AgentServer;

  private constructor(app: AgentServer, client: HarnessClient, greeting: Reply | undefined) {
    this.#app = app;
    this.client = client;
    this.greeting = greeting;
    if (greeting !== undefined) this.#record(greeting);
  }

  /** Starts `app` on 127.0.0.1 (any free port), calls it, and waits for the greeting. */
  static async start(
    app: AgentServer,
    options: ConversationRunnerOptions = {},
  ): Promise<ConversationRunner> {
    const { url } = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const callId = options.call?.call_id ?? newCallId("test");
      const body = {
        call_id: callId,
        from: "+15550000001",
        to: "+15550000002",
        agent_call_id: callId,
        agent: { system_prompt: "", introduction: "" },
        metadata: {},
        ...options.call,
      };
      const response = await fetch(`${url}/chats`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`POST /chats answered ${response.status}: ${await response.text()}`);
      const { websocket_url } = (await response.json()) as { websocket_url: string };
      const client = await HarnessClient.connect(
        new URL(websocket_url, url).toString(),
        options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs },
      );
      const greeting = options.greeting === false ? undefined : await client.reply();
      return new ConversationRunner(app, client, greeting);
    } catch (error) {
      await app.close();
      throw error;
    }
  }

  /** One user turn: says `text` and waits for the whole answer. */
  async turn(text: string): Promise<Reply> {
    this.transcript.push({ speaker: "user", text });
    await this.client.say(text);
    const reply = await this.client.reply();
    this.#record(reply);
    return reply;
  }

  /** The transcript as text, one `speaker: text` line each — handy in assertion messages. */
  toString(): string {
    return this.transcript.map((line) => `${line.speaker}: ${line.text}`).join("\n");
  }

  /** Hangs up (if the agent has not) and stops the app. */
  async close(): Promise<void> {
    try {
      if (this.client.closeInfo === undefined) await this.client.close();
    } finally {
      await this.#app.close();
    }
  }

  #record(reply: Reply): void {
    for (const frame of reply.frames) {
      if (frame.type === "tool_call" && frame.result !== undefined) {
        this.transcript.push({
          speaker: "tool",
          text: `${frame.name} -> ${JSON.stringify(frame.result)}`,
        });
      }
    }
    if (reply.text !== "") this.transcript.push({ speaker: "agent", text: reply.text });
  }
}
