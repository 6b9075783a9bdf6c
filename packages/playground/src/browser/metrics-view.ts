import { h, s } from "./dom.js";

/** What the page measured about one answer. */
export interface TurnMetrics {
  turn: number;
  /** From the user's `user_state idle` to the first chunk, in ms; absent for the greeting. */
  ttfcMs: number | undefined;
  chunks: number;
  interrupted: boolean;
  /** Each tool call of the turn with how long it took (call to result), in ms. */
  tools: { name: string; ms: number | undefined }[];
}

const CHART = { width: 280, height: 90, pad: 18, bar: 14, gap: 4 };
/** Turns the chart shows: the latest ones. */
const CHART_TURNS = Math.floor((CHART.width - CHART.pad) / (CHART.bar + CHART.gap));

/** Per-turn metrics in a table, and time to first chunk over the session as a bar chart. */
export class MetricsView {
  readonly #rows = h("tbody");
  readonly #chart = s("svg", {
    class: "ttfc-chart",
    viewBox: `0 0 ${CHART.width} ${CHART.height}`,
    role: "img",
    "aria-label": "Time to first chunk per turn",
  });
  readonly #turns: TurnMetrics[] = [];
  readonly #rowByTurn = new Map<number, HTMLTableRowElement>();
  readonly element = h(
    "div",
    { class: "metrics" },
    this.#chart,
    h(
      "table",
      { "aria-label": "Turn metrics" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "turn"),
          h("th", {}, "ttfc"),
          h("th", {}, "chunks"),
          h("th", {}, "interrupted"),
          h("th", {}, "tools"),
        ),
      ),
      this.#rows,
    ),
  );

  constructor() {
    this.#drawChart();
  }

  /** Adds or updates a turn's row (and the chart). */
  update(metrics: TurnMetrics): void {
    const index = this.#turns.findIndex((t) => t.turn === metrics.turn);
    if (index === -1) this.#turns.push({ ...metrics });
    else this.#turns[index] = { ...metrics };
    const row = h(
      "tr",
      { "data-interrupted": metrics.interrupted ? "true" : "false" },
      h("td", {}, metrics.turn),
      h("td", {}, metrics.ttfcMs === undefined ? "—" : `${Math.round(metrics.ttfcMs)} ms`),
      h("td", {}, metrics.chunks),
      h("td", {}, metrics.interrupted ? "yes" : "no"),
      h(
        "td",
        {},
        metrics.tools
          .map((t) => `${t.name} ${t.ms === undefined ? "…" : `${Math.round(t.ms)} ms`}`)
          .join(", ") || "—",
      ),
    );
    const old = this.#rowByTurn.get(metrics.turn);
    if (old === undefined) this.#rows.append(row);
    else old.replaceWith(row);
    this.#rowByTurn.set(metrics.turn, row);
    this.#drawChart();
  }

  #drawChart(): void {
    const shown = this.#turns.filter((t) => t.ttfcMs !== undefined).slice(-CHART_TURNS);
    const max = Math.max(100, ...shown.map((t) => t.ttfcMs ?? 0));
    const plot = CHART.height - CHART.pad;
    const children: SVGElement[] = [
      s("line", { x1: CHART.pad, y1: plot, x2: CHART.width, y2: plot, class: "axis" }),
      s("text", { x: 0, y: 10, class: "label" }, `${Math.round(max)} ms`),
      s("text", { x: 0, y: plot, class: "label" }, "0"),
    ];
    if (shown.length === 0) {
      children.push(
        s("text", { x: CHART.pad + 8, y: plot / 2 + 4, class: "label" }, "TTFC per turn"),
      );
    }
    shown.forEach((t, i) => {
      const height = Math.max(1, ((t.ttfcMs ?? 0) / max) * (plot - 12));
      const x = CHART.pad + 4 + i * (CHART.bar + CHART.gap);
      children.push(
        s(
          "rect",
          {
            x,
            y: plot - height,
            width: CHART.bar,
            height,
            class: t.interrupted ? "bar interrupted" : "bar",
          },
          s("title", {}, `turn ${t.turn}: ${Math.round(t.ttfcMs ?? 0)} ms`),
        ),
        s("text", { x: x + CHART.bar / 2, y: CHART.height - 4, class: "tick" }, t.turn),
      );
    });
    this.#chart.replaceChildren(...children);
  }
}
