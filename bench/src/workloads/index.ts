import type { Workload } from "../lib/result.js";

/** Every workload, in the order the runner runs them. */
export const workloadNames = [
  "route",
  "stream",
  "interrupt",
  "fanout",
  "wire",
  "sessions",
  "call-mix",
  "soak",
  "chunking",
] as const;

type WorkloadName = (typeof workloadNames)[number];

/** Imported lazily, so each child process loads only the workload it runs. */
export async function loadWorkload(name: string): Promise<Workload> {
  switch (name as WorkloadName) {
    case "route":
      return (await import("./route.js")).route;
    case "stream":
      return (await import("./stream.js")).stream;
    case "interrupt":
      return (await import("./interrupt.js")).interrupt;
    case "fanout":
      return (await import("./fanout.js")).fanout;
    case "wire":
      return (await import("./wire.js")).wire;
    case "sessions":
      return (await import("./sessions.js")).sessions;
    case "call-mix":
      return (await import("./call-mix.js")).callMix;
    case "soak":
      return (await import("./soak.js")).soak;
    case "chunking":
      return (await import("./chunking.js")).chunking;
  }
  throw new Error(`unknown workload "${name}"; one of ${workloadNames.join(", ")}`);
}
