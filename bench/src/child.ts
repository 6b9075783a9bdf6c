/**
 * Runs one workload in this process and sends its result to the runner over IPC. Started by
 * run.ts (with --expose-gc and tsx's loader); run it by hand to profile one workload:
 *   node --cpu-prof --expose-gc --import tsx --conditions=@switchboard/source bench/src/child.ts route
 */
import { loadWorkload } from "./workloads/index.js";

const [name, ...flags] = process.argv.slice(2);
if (name === undefined) throw new Error("usage: child.ts <workload> [--quick]");
const workload = await loadWorkload(name);
const result = await workload.run({ quick: flags.includes("--quick") });
if (process.send !== undefined) {
  await new Promise<void>((resolve, reject) => {
    process.send?.({ result }, undefined, {}, (error) =>
      error === null ? resolve() : reject(error),
    );
  });
} else {
  console.log(JSON.stringify(result, null, 2));
}
// Workloads close what they open; exiting here also ends anything a crashed teardown left behind.
process.exit(0);
