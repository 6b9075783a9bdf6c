/** Events used only by the benchmarks. Plain classes, matched by `instanceof` like any event. */
export class Ping {
  readonly n: number;
  constructor(init: { n: number }) {
    this.n = init.n;
  }
}

/** Starts a stream in the stream workload. */
export class Start {
  declare private readonly brand: "Start";
}
