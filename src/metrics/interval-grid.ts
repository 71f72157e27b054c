/**
 * Per report interval x group accumulators (replica-seconds present, available, busy, held, output
 * tokens). Integrals are exact: callers flush at every change of availability and at every
 * interval boundary, so nothing is sampled.
 */
export class IntervalGrid {
  readonly present: Float64Array;
  readonly available: Float64Array;
  readonly busy: Float64Array;
  readonly held: Float64Array;
  readonly outputTokens: Float64Array;

  constructor(
    readonly intervals: number,
    readonly groups: number,
  ) {
    const n = intervals * groups;
    this.present = new Float64Array(n);
    this.available = new Float64Array(n);
    this.busy = new Float64Array(n);
    this.held = new Float64Array(n);
    this.outputTokens = new Float64Array(n);
  }

  at(interval: number, group: number): number {
    return interval * this.groups + group;
  }
}
