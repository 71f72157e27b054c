/**
 * Per report interval x group accumulators (replica-seconds present, available, busy, held, output
 * tokens, KV bytes in use, decode steps and KV bytes read). Integrals are exact: callers flush at
 * every change of availability and at every interval boundary, so nothing is sampled.
 */
/** The accumulators, by name: what parts, threads and hybrid windows copy between grids. */
export const GRID_KEYS = [
  "present",
  "available",
  "busy",
  "held",
  "outputTokens",
  "kvByteSeconds",
  "kvPeak",
  "decodeSteps",
  "kvReadBytes",
  "loading",
  "ttftSum",
  "ttftCount",
  "ttftMissed",
] as const;
export type GridKey = (typeof GRID_KEYS)[number];

export class IntervalGrid {
  readonly present: Float64Array;
  readonly available: Float64Array;
  readonly busy: Float64Array;
  readonly held: Float64Array;
  readonly outputTokens: Float64Array;
  /** KV-cache bytes in use integrated over time (request engine; 0 in the fluid mode). */
  readonly kvByteSeconds: Float64Array;
  /** Highest fraction of one replica's KV-cache memory in use at any moment (request engine). */
  readonly kvPeak: Float64Array;
  /** Decode steps the replicas ran (each reads the weights once; request engine). */
  readonly decodeSteps: Float64Array;
  /** KV-cache bytes the decode steps of the requests completed in the interval read (request engine). */
  readonly kvReadBytes: Float64Array;
  /** Replica-seconds spent loading weights (autoscaling): accelerators held, nothing served. */
  readonly loading: Float64Array;
  /**
   * TTFT of the requests completed in the interval: their sum (s), their count, and how many missed
   * their workload's TTFT target (so cold starts and outages show interval by interval).
   */
  readonly ttftSum: Float64Array;
  readonly ttftCount: Float64Array;
  readonly ttftMissed: Float64Array;

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
    this.kvByteSeconds = new Float64Array(n);
    this.kvPeak = new Float64Array(n);
    this.decodeSteps = new Float64Array(n);
    this.kvReadBytes = new Float64Array(n);
    this.loading = new Float64Array(n);
    this.ttftSum = new Float64Array(n);
    this.ttftCount = new Float64Array(n);
    this.ttftMissed = new Float64Array(n);
  }

  at(interval: number, group: number): number {
    return interval * this.groups + group;
  }
}
