import { DEBUG_EVENTS } from "../debug-channel.js";
import { clockTime, h, shortId, show } from "./dom.js";
import type { AgentFrame, ClientFrame } from "./session.js";

/** Rows the timeline keeps; older ones are dropped so a long session stays light. */
const TIMELINE_MAX_ROWS = 500;

function isDebugFrame(frame: AgentFrame | ClientFrame): boolean {
  return frame.type === "log_event" && "event" in frame && frame.event.startsWith("debug.");
}

/** Every frame in and out, with its time and generation id; debug frames behind a switch. */
export class TimelineView {
  readonly #list = h("ol", { class: "timeline", "aria-label": "Frames" });
  readonly #showDebug = h("input", { type: "checkbox", id: "timeline-debug" });
  #total = 0;
  readonly element = h(
    "div",
    { class: "timeline-panel" },
    h("div", { class: "panel-tools" }, h("label", {}, this.#showDebug, " debug frames")),
    this.#list,
  );

  constructor() {
    this.#showDebug.addEventListener("change", () => {
      this.#list.classList.toggle("show-debug", this.#showDebug.checked);
    });
  }

  add(direction: "in" | "out", frame: AgentFrame | ClientFrame, at: number, fenced: boolean): void {
    const { type, ...rest } = frame;
    const { generation_id: generationId, ...fields } = rest as Record<string, unknown>;
    const debug = isDebugFrame(frame);
    this.#append(
      h(
        "li",
        {
          class: `frame ${direction}${fenced ? " fenced" : ""}${debug ? " debug" : ""}`,
          "data-type": type,
          title: fenced ? "dropped: this generation was interrupted" : undefined,
        },
        h("time", {}, clockTime(at)),
        h("span", { class: "dir" }, direction === "in" ? "←" : "→"),
        h("span", { class: "type" }, debug ? show(fields["event"]) : type),
        h("span", { class: "gen" }, typeof generationId === "string" ? shortId(generationId) : ""),
        h("span", { class: "fields" }, summarize(type, fields)),
      ),
    );
  }

  /** A frame that broke the protocol: shown with what was wrong. */
  addInvalid(text: string, problem: string, at: number): void {
    this.#append(
      h(
        "li",
        { class: "frame in invalid", "data-type": "invalid", title: text },
        h("time", {}, clockTime(at)),
        h("span", { class: "dir" }, "←"),
        h("span", { class: "type" }, "invalid"),
        h("span", { class: "gen" }),
        h("span", { class: "fields" }, problem),
      ),
    );
  }

  #append(row: HTMLElement): void {
    const atBottom = this.#list.scrollHeight - this.#list.scrollTop - this.#list.clientHeight < 40;
    this.#list.append(row);
    this.#list.dataset["total"] = String(++this.#total);
    while (this.#list.childElementCount > TIMELINE_MAX_ROWS) this.#list.firstElementChild?.remove();
    if (atBottom) this.#list.scrollTop = this.#list.scrollHeight;
  }
}

function summarize(type: string, fields: Record<string, unknown>): string {
  if (type === "log_event" && fields["event"] === DEBUG_EVENTS.trace) {
    const m = (fields["metadata"] ?? {}) as Record<string, unknown>;
    return `${show(m["bridge"])}#${show(m["route_id"])} ${show(m["phase"])} ${show(m["event"])}`;
  }
  if (type === "log_event" && fields["event"] === DEBUG_EVENTS.topology) return "routes";
  const text = Object.entries(fields)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(" ");
  return text.length > 160 ? `${text.slice(0, 157)}…` : text;
}
