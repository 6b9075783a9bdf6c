import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

/** A child process whose stdout is JSON lines, and what it printed. */
export interface TestProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** The next JSON line printed on stdout that matches (or the first already printed). */
  line(predicate?: (value: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  stderr(): string;
}

/**
 * Spawns `command` and reads its stdout as JSON lines (other lines are ignored). The caller owns
 * the process: kill it in `afterEach`.
 * @example const server = spawnTestProcess(process.execPath, ["server.mjs"]);
 */
export function spawnTestProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): TestProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  const seen: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on("line", (text) => {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === "object" && value !== null) seen.push(value as Record<string, unknown>);
    } catch {
      return;
    }
    for (const wake of waiters) wake();
  });
  return {
    child,
    exited,
    stderr: () => stderr,
    line(predicate = () => true) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = seen.find(predicate);
          if (found === undefined) return false;
          waiters.delete(check);
          resolve(found);
          return true;
        };
        if (check()) return;
        waiters.add(check);
        void exited.then((code) => {
          if (waiters.delete(check))
            reject(new Error(`process exited (${String(code)}) before the line: ${stderr}`));
        });
      });
    },
  };
}

/** A TCP port free on 127.0.0.1 right now (for programs that cannot listen on port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
