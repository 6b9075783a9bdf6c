import { AgentResponse, DTMFOutputEvent, EndCall, TransferCall } from "@switchboard/core";

/**
 * What a system tool asks the session to do. A system tool's `execute` returns one; the
 * `VoiceAgentSystem` sees it in the `ToolResult` the speaking node broadcasts and turns it into
 * events (`EndCall`, `TransferCall`, `DTMFOutputEvent`). Serialised (`tool_call` frames, the
 * model's history) it reads as plain JSON: `{ "action": "end_call", … }`.
 * @example
 * const action = new CallAction("end_call", { goodbye: "Bye!" });
 * action.toEvents(); // [AgentResponse("Bye!"), EndCall]
 */
export class CallAction {
  readonly action: "end_call" | "transfer_call" | "send_dtmf";
  readonly goodbye: string | undefined;
  readonly targetPhoneNumber: string | undefined;
  readonly timeoutS: number | undefined;
  readonly buttons: string | undefined;

  constructor(
    action: CallAction["action"],
    details: {
      goodbye?: string;
      targetPhoneNumber?: string;
      timeoutS?: number;
      buttons?: string;
    } = {},
  ) {
    this.action = action;
    this.goodbye = details.goodbye;
    this.targetPhoneNumber = details.targetPhoneNumber;
    this.timeoutS = details.timeoutS;
    this.buttons = details.buttons;
  }

  /** The events this action stands for, in the order they are broadcast. */
  toEvents(): object[] {
    switch (this.action) {
      case "end_call":
        return [
          ...(this.goodbye !== undefined && this.goodbye.trim() !== ""
            ? [new AgentResponse({ content: this.goodbye })]
            : []),
          new EndCall(),
        ];
      case "transfer_call":
        return [
          new TransferCall({
            targetPhoneNumber: this.targetPhoneNumber ?? "",
            ...(this.timeoutS === undefined ? {} : { timeoutS: this.timeoutS }),
          }),
        ];
      case "send_dtmf":
        return [...(this.buttons ?? "")].map((button) => new DTMFOutputEvent({ button }));
    }
  }
}
