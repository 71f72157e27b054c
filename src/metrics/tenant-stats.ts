/** Counters and latency distributions of one tenant x requested model. */
import { LatencyStats } from "./latency.js";

const COUNTERS = 9;

export class TenantModelStats {
  /**
   * The counters below, in a typed array rather than as fields: token sums pass 2^31 in a large
   * run, and a field that outgrows V8's small integers changes the objects' shape mid-run, throwing
   * away the optimised code of every function that reads them (measured on the hot-loop benchmark).
   * Own data, so a copy sent between threads carries it.
   */
  readonly counters = new Float64Array(COUNTERS);
  readonly ttftS = new LatencyStats();
  readonly tpotS = new LatencyStats();
  readonly e2eS = new LatencyStats();

  constructor(
    readonly tenantIndex: number,
    readonly modelIndex: number,
  ) {}

  get requests(): number {
    return this.counters[0];
  }
  set requests(v: number) {
    this.counters[0] = v;
  }

  get completed(): number {
    return this.counters[1];
  }
  set completed(v: number) {
    this.counters[1] = v;
  }

  get rejected(): number {
    return this.counters[2];
  }
  set rejected(v: number) {
    this.counters[2] = v;
  }

  get failedOver(): number {
    return this.counters[3];
  }
  set failedOver(v: number) {
    this.counters[3] = v;
  }

  /** Tokens of completed requests. */
  get inputTokens(): number {
    return this.counters[4];
  }
  set inputTokens(v: number) {
    this.counters[4] = v;
  }

  get outputTokens(): number {
    return this.counters[5];
  }
  set outputTokens(v: number) {
    this.counters[5] = v;
  }

  get sloMet(): number {
    return this.counters[6];
  }
  set sloMet(v: number) {
    this.counters[6] = v;
  }

  /** Requests that waited in a queue on arrival instead of entering a batch at once. */
  get waited(): number {
    return this.counters[7];
  }
  set waited(v: number) {
    this.counters[7] = v;
  }

  /** Times a request of this row was preempted (spot work evicted for others) and requeued. */
  get preempted(): number {
    return this.counters[8];
  }
  set preempted(v: number) {
    this.counters[8] = v;
  }

  /** Adds everything `other` (a row of the same tenant and model from another run, or its copy from another thread) recorded. */
  add(other: TenantModelStats): void {
    for (let k = 0; k < COUNTERS; k++) this.counters[k] += other.counters[k];
    this.ttftS.merge(other.ttftS);
    this.tpotS.merge(other.tpotS);
    this.e2eS.merge(other.e2eS);
  }

  get inFlight(): number {
    return this.requests - this.completed - this.rejected;
  }
}
