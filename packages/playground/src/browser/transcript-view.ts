import { h, shortId } from "./dom.js";

/** One answer of the agent in the transcript, filled chunk by chunk. */
export class AgentLine {
  readonly element: HTMLElement;
  readonly #text: HTMLElement;
  readonly #status: HTMLElement;

  constructor(generationId: string | undefined) {
    this.#text = h("span", { class: "text" });
    this.#status = h("span", { class: "status" });
    this.element = h(
      "div",
      { class: "line agent streaming", "data-generation-id": generationId },
      h("span", { class: "who" }, "agent"),
      this.#text,
      this.#status,
      generationId === undefined ? null : h("span", { class: "gen" }, shortId(generationId)),
    );
  }

  append(chunk: string): void {
    this.#text.append(chunk);
  }

  /** The user talked over it: stopped, and says so. */
  markInterrupted(): void {
    this.#state("interrupted", "interrupted");
  }

  /** The server holds it while a barge-in policy decides whether the user really interrupted. */
  markPaused(): void {
    this.#state("paused", "paused");
  }

  /** The user did not really interrupt: it goes on where it was. */
  markResumed(): void {
    this.#state("streaming", "resumed");
    this.element.dataset["state"] = "resumed";
  }

  markComplete(): void {
    this.element.classList.remove("streaming");
    this.element.dataset["state"] = "complete";
  }

  #state(state: "interrupted" | "paused" | "streaming", status: string): void {
    this.element.classList.remove("streaming", "interrupted", "paused");
    this.element.classList.add(state);
    this.element.dataset["state"] = state;
    this.#status.textContent = status;
  }
}

/** The conversation as it happens: `role="log"`, so assistive technology reads new lines. */
export class TranscriptView {
  readonly element = h("div", {
    class: "transcript",
    role: "log",
    "aria-label": "Transcript",
    "aria-live": "polite",
  });

  addUser(text: string, via: "typed" | "spoken"): void {
    this.#add(
      h(
        "div",
        { class: "line user" },
        h("span", { class: "who" }, via === "spoken" ? "you (voice)" : "you"),
        h("span", { class: "text" }, text),
      ),
    );
  }

  addAgent(generationId: string | undefined): AgentLine {
    const line = new AgentLine(generationId);
    this.#add(line.element);
    return line;
  }

  addTool(name: string, args: unknown, result: string | undefined): HTMLElement {
    const line = h(
      "div",
      { class: "line tool" },
      h("span", { class: "who" }, "tool"),
      h("code", {}, `${name}(${JSON.stringify(args)})`),
      result === undefined ? null : h("span", { class: "result" }, ` → ${result}`),
    );
    this.#add(line);
    return line;
  }

  addNote(text: string, kind: "info" | "error" = "info"): void {
    this.#add(h("div", { class: `line note ${kind}` }, text));
  }

  #add(line: HTMLElement): void {
    const atBottom =
      this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight < 40;
    this.element.append(line);
    if (atBottom) this.element.scrollTop = this.element.scrollHeight;
  }
}
