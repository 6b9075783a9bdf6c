import {
  AgentResponse,
  ToolCall,
  ToolResult,
  UserTranscriptionReceived,
  type ConversationContext,
} from "@switchboard/core";
import type { ChatMessage, ChatMessageToolCall } from "./chat-message.js";

/** Options of {@link contextToMessages}. */
export interface ContextToMessagesOptions {
  /**
   * Appended to an agent turn the user interrupted, so the model knows it was cut off
   * (e.g. `" [interrupted by the user]"`). Default: nothing — the text is kept as delivered.
   */
  interruptedSuffix?: string;
}

/** The assistant turn being assembled: its text, and the tool calls of one round with their results. */
interface AssistantTurn {
  content: string;
  interrupted: boolean;
  calls: ToolCall[];
  results: Map<string, ToolResult>;
}

function toolCallArguments(call: ToolCall): string {
  // Send back only valid JSON: some compatible servers parse it, and the tool result already
  // tells the model what was wrong with its arguments.
  if (call.rawArguments !== undefined && call.argumentsError === undefined) {
    return call.rawArguments;
  }
  return JSON.stringify(call.toolArgs);
}

/**
 * Converts a conversation history into chat messages: the system prompt, each user
 * transcription as a `user` message, each agent turn as an `assistant` message, a round of
 * `ToolCall`s as one `assistant` message with `tool_calls` (merged with that turn's text, and
 * with anything said while the tools ran, such as a filler), and each `ToolResult` as a `tool`
 * message with its `tool_call_id`. The result is always acceptable to the OpenAI API: a tool
 * call without a result, or a result without its call, is left out.
 * @example
 * const messages = contextToMessages(context);
 * for await (const chunk of llm.chat({ messages, signal: context.signal })) yield chunk.content ?? "";
 */
export function contextToMessages(
  context: Pick<ConversationContext, "events" | "systemPrompt">,
  options: ContextToMessagesOptions = {},
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (context.systemPrompt.trim() !== "")
    messages.push({ role: "system", content: context.systemPrompt });
  let turn: AssistantTurn | undefined;

  const flush = () => {
    if (turn === undefined) return;
    const current = turn;
    turn = undefined;
    const answered = current.calls.filter((call) => current.results.has(call.toolCallId));
    const content = current.interrupted
      ? current.content + (options.interruptedSuffix ?? "")
      : current.content;
    if (answered.length === 0) {
      if (content.trim() !== "") messages.push({ role: "assistant", content });
      return;
    }
    const toolCalls: ChatMessageToolCall[] = answered.map((call) => ({
      id: call.toolCallId,
      type: "function",
      function: { name: call.toolName, arguments: toolCallArguments(call) },
    }));
    messages.push({
      role: "assistant",
      content: content.trim() === "" ? null : content,
      tool_calls: toolCalls,
    });
    for (const call of answered) {
      const result = current.results.get(call.toolCallId);
      if (result !== undefined) {
        messages.push({ role: "tool", tool_call_id: call.toolCallId, content: result.resultStr });
      }
    }
  };
  const roundIsOpen = (t: AssistantTurn) => t.calls.length > 0 && t.results.size < t.calls.length;

  for (const event of context.events) {
    if (event instanceof UserTranscriptionReceived) {
      flush();
      const last = messages.at(-1);
      if (last?.role === "user") last.content = `${last.content} ${event.content}`;
      else messages.push({ role: "user", content: event.content });
    } else if (event instanceof AgentResponse) {
      // Text after a finished tool round is the follow-up answer: a new assistant message.
      if (turn !== undefined && turn.calls.length > 0 && !roundIsOpen(turn)) flush();
      turn ??= { content: "", interrupted: false, calls: [], results: new Map() };
      turn.content += event.content;
      turn.interrupted ||= event.interrupted === true;
    } else if (event instanceof ToolCall) {
      // A call after some results starts the next round.
      if (turn !== undefined && turn.results.size > 0) flush();
      turn ??= { content: "", interrupted: false, calls: [], results: new Map() };
      turn.calls.push(event);
    } else if (event instanceof ToolResult) {
      const call = matchingCall(turn, event);
      if (turn !== undefined && call !== undefined) turn.results.set(call.toolCallId, event);
    }
  }
  flush();
  return messages;
}

function matchingCall(turn: AssistantTurn | undefined, result: ToolResult): ToolCall | undefined {
  if (turn === undefined) return undefined;
  if (result.toolCallId !== undefined)
    return turn.calls.find((c) => c.toolCallId === result.toolCallId);
  // A result without an id answers the first unanswered call of the same tool.
  return turn.calls.find((c) => c.toolName === result.toolName && !turn.results.has(c.toolCallId));
}
