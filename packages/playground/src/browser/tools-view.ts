import { h, show } from "./dom.js";

interface ToolRow {
  element: HTMLElement;
  result: HTMLElement;
  duration: HTMLElement;
  startedAt: number;
}

/** Tool calls with their arguments, results and durations. */
export class ToolsView {
  readonly #list = h("ul", { class: "tools", "aria-label": "Tool calls" });
  readonly #rows = new Map<string, ToolRow>();
  readonly #empty = h("li", { class: "empty" }, "No tool calls yet.");
  readonly element = h("div", { class: "tools-panel" }, this.#list);

  constructor() {
    this.#list.append(this.#empty);
  }

  /** A `tool_call` frame: a call (no result) or its result. Returns the call's duration once known. */
  add(
    frame: { name: string; args: unknown; result?: unknown; id?: string },
    at: number,
  ): number | undefined {
    this.#empty.remove();
    const key = frame.id ?? `${frame.name}:${this.#rows.size}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      const result = h("span", { class: "result pending" }, "running…");
      const duration = h("span", { class: "duration" });
      row = {
        element: h(
          "li",
          { class: "tool-call" },
          h("code", { class: "name" }, frame.name),
          h("code", { class: "args" }, show(frame.args)),
          h("span", { class: "arrow" }, "→"),
          result,
          duration,
        ),
        result,
        duration,
        startedAt: at,
      };
      this.#rows.set(key, row);
      this.#list.append(row.element);
    }
    if (frame.result === undefined) return undefined;
    const ms = at - row.startedAt;
    row.result.textContent = show(frame.result);
    row.result.classList.remove("pending");
    row.duration.textContent = `${Math.round(ms)} ms`;
    return ms;
  }
}
