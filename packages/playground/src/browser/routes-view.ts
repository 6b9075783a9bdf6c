import type { DebugBridge, DebugRoute, DebugTopology, DebugTrace } from "../debug-channel.js";
import { h } from "./dom.js";

interface RouteState {
  element: HTMLElement;
  /** The bridge's element, lit too so a folded bridge still shows activity. */
  bridge: HTMLElement | null;
  last: HTMLElement;
  count: HTMLElement;
  triggers: number;
  running: number;
}

/** How long a route stays lit after an event triggers it. */
const FLASH_MS = 700;

/** Bridges every system has (the user's WebSocket, handoffs and call control). */
const FRAMEWORK_BRIDGES = new Set(["user", "system"]);

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
    const rank = (bridge: DebugBridge) =>
      bridge.nodeId === topology.speakingNodeId ? 0 : FRAMEWORK_BRIDGES.has(bridge.name) ? 2 : 1;
    const bridges = [...topology.bridges].sort((a, b) => rank(a) - rank(b));
    this.element.replaceChildren(
      ...bridges.map((bridge) => this.#bridge(bridge, topology.speakingNodeId)),
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
        if (route.bridge !== null) this.#flash(trace.bridge, route.bridge, "lit");
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
    const element = h(
      "details",
      {
        class: `bridge${speaks ? " speaker" : ""}`,
        "data-bridge": bridge.name,
        // The framework's own bridges start folded: the agent's routes are what a developer reads.
        open: !FRAMEWORK_BRIDGES.has(bridge.name),
      },
      h(
        "summary",
        {},
        h("strong", {}, bridge.name),
        bridge.nodeId === bridge.name
          ? null
          : h("span", { class: "node" }, ` node ${bridge.nodeId}`),
        speaks ? h("span", { class: "badge speaks" }, "speaks to the user") : null,
        bridge.authorized === null
          ? null
          : h("span", { class: "badge" }, `hears: ${bridge.authorized.join(", ") || "nobody"}`),
        h(
          "span",
          { class: "badge" },
          `${bridge.routes.length} route${bridge.routes.length === 1 ? "" : "s"}`,
        ),
      ),
      bridge.routes.length === 0
        ? h("p", { class: "empty" }, "no routes")
        : h("ol", {}, ...bridge.routes.map((route) => this.#route(bridge, route))),
    );
    for (const route of bridge.routes) {
      const state = this.#routes.get(`${bridge.name}/${route.id}`);
      if (state !== undefined) state.bridge = element;
    }
    return element;
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
            // A bound method is named "bound generate": the method's name is what the code says.
            step.name === undefined ? null : h("small", {}, ` ${step.name.replace(/^bound /, "")}`),
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
      bridge: null,
      last,
      count,
      triggers: 0,
      running: 0,
    });
    return element;
  }
}
