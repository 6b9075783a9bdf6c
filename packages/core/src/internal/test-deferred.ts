/** A promise with its resolve/reject exposed: the gate tests (and teardown code) hold open. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Creates a {@link Deferred}.
 * @example
 * const gate = deferred<void>();
 * setTimeout(() => gate.resolve(), 10);
 * await gate.promise;
 */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
