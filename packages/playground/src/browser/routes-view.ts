import type { DebugBridge, DebugRoute, DebugTopology, DebugTrace } from "../debug-channel.js";
import { h } from "./dom.js";

interface RouteState {
  element: HTMLElement;
  last: HTMLElement;
  count: HTMLElement;
  triggers: number;
  running: number;
}

/** How long a route stays lit after an event triggers it. */
const FLASH_MS = 700;

const CONTROL_WORD = {
  interrupt: "interruptOn",
  suspend: "suspendOn",
  resume: "resumeOn",
} as const;

/**
 * The agent's routes, drawn from `system.describe()` as the server sent it: each bridge, its
 * routes (trigger → steps), control rules and concurrency, and which node may speak to the user.
 * A route lights up when an event triggers it and stays marked while it runs.
 */
export class RoutesView {
  readonly element = h(
    "div",
    { class: "routes", "aria-label": "Routes", role: "region" },
    h("p", { class: "empty" }, "Waiting for the agent's routes…"),
  );
  readonly #routes = new Map<string, RouteState>();
  readonly #timers = new Map<string, number>();

  draw(topology: DebugTopology): void {
    this.#routes.clear();
    this.element.replaceChildren(
      ...topology.bridges.map((bridge) => this.#bridge(bridge, topology.speakingNodeId)),
    );
  }

  trace(trace: DebugTrace): void {
    const key = `${trace.bridge}/${trace.route_id}`;
    const route = this.#routes.get(key);
    if (route === undefined) return;
    switch (trace.phase) {
      case "triggered":
        route.triggers++;
        route.count.textContent = `×${route.triggers}`;
        route.last.textContent = trace.event;
        this.#flash(key, route.element, "lit");
        break;
      case "started":
        route.running++;
        break;
      case "ended":
        route.running = Math.max(0, route.running - 1);
        break;
      case "cancelled":
        route.running = Math.max(0, route.running - 1);
        this.#flash(`${key}:cancelled`, route.element, "cancelled");
        break;
    }
    route.element.classList.toggle("running", route.running > 0);
  }

  #flash(key: string, element: HTMLElement, className: string): void {
    element.classList.add(className);
    clearTimeout(this.#timers.get(key));
    this.#timers.set(
      key,
      window.setTimeout(() => element.classList.remove(className), FLASH_MS),
    );
  }

  #bridge(bridge: DebugBridge, speaker: string | undefined): HTMLElement {
    const speaks = bridge.nodeId === speaker;
    return h(
      "section",
      { class: `bridge${speaks ? " speaker" : ""}`, "data-bridge": bridge.name },
      h(
        "header",
        {},
        h("strong", {}, bridge.name),
        bridge.nodeId === bridge.name
          ? null
          : h("span", { class: "node" }, ` node ${bridge.nodeId}`),
        speaks ? h("span", { class: "badge speaks" }, "speaks to the user") : null,
        bridge.authorized === null
          ? null
          : h("span", { class: "badge" }, `hears: ${bridge.authorized.join(", ") || "nobody"}`),
      ),
      bridge.routes.length === 0
        ? h("p", { class: "empty" }, "no routes")
        : h("ol", {}, ...bridge.routes.map((route) => this.#route(bridge, route))),
    );
  }

  #route(bridge: DebugBridge, route: DebugRoute): HTMLElement {
    const last = h("span", { class: "last" });
    const count = h("span", { class: "count" });
    const element = h(
      "li",
      { class: "route", "data-route-id": route.id },
      h(
        "div",
        { class: "flow" },
        h(
          "span",
          { class: "chip trigger" },
          `on ${route.trigger}`,
          route.source === undefined ? null : h("small", {}, ` from ${route.source.join(", ")}`),
        ),
        ...route.steps.flatMap((step) => [
          h("span", { class: "arrow" }, "→"),
          h(
            "span",
            { class: `chip step ${step.kind}` },
            step.kind,
            step.name === undefined ? null : h("small", {}, ` ${step.name}`),
          ),
        ]),
        count,
      ),
      h(
        "div",
        { class: "rules" },
        ...route.controls.map((control) =>
          h(
            "span",
            { class: `chip control ${control.kind}` },
            `${CONTROL_WORD[control.kind]} ${control.event}`,
          ),
        ),
        route.concurrency === "merge" ? null : h("span", { class: "chip" }, route.concurrency),
        last,
      ),
    );
    this.#routes.set(`${bridge.name}/${route.id}`, {
      element,
      last,
      count,
      triggers: 0,
      running: 0,
    });
    return element;
  }
}
