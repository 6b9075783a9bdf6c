import { Bus, createLogger, type BusStats } from "@switchboard/core";

/** A bus with a silent logger whose route failures are counted instead of printed. */
export function benchBus(): { bus: Bus; errors: () => number } {
  const bus = new Bus({ logger: createLogger({ level: "silent" }) });
  let errors = 0;
  bus.errors$.subscribe(() => {
    errors += 1;
  });
  return { bus, errors: () => errors };
}

/** Executions, teardowns, held triggers and queued messages left over: all must be 0 between turns. */
export function leftovers(stats: BusStats): number {
  return stats.active + stats.tearingDown + stats.waiting + stats.queued;
}
