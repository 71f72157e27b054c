/** Counters and latency distributions of one tenant x requested model. */
import { LatencyStats } from "./latency.js";

/** Positions in `TenantModelStats.counters`: the simulation's hot paths index them directly (an accessor inlined there spends V8's inlining budget); everything else reads the accessors. */
export const REQUESTS = 0;
export const COMPLETED = 1;
export const REJECTED = 2;
export const FAILED_OVER = 3;
export const INPUT_TOKENS = 4;
export const OUTPUT_TOKENS = 5;
export const SLO_MET = 6;
export const WAITED = 7;
export const PREEMPTED = 8;
/** Prompt and output tokens of the completed requests that met their SLO (goodput). */
export const SLO_MET_INPUT_TOKENS = 9;
export const SLO_MET_OUTPUT_TOKENS = 10;
/** Times a request was preempted by its step replica for lack of KV blocks (recomputed or swapped). */
export const KV_PREEMPTED = 11;
/** Prompt tokens of the completed requests read from the prefix cache (not prefilled). */
export const CACHED_INPUT_TOKENS = 12;
/** Of the KV preemptions, those that swapped the request's blocks out to host memory. */
export const KV_SWAPPED = 13;
/**
 * Of the rejections, requests no model left in their route chain could hold: prompt + output
 * longer than the model's context or than its largest replica's KV memory.
 */
export const REJECTED_TOO_LONG = 14;
const COUNTERS = 15;

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
    return this.counters[REQUESTS];
  }
  set requests(v: number) {
    this.counters[REQUESTS] = v;
  }

  get completed(): number {
    return this.counters[COMPLETED];
  }
  set completed(v: number) {
    this.counters[COMPLETED] = v;
  }

  get rejected(): number {
    return this.counters[REJECTED];
  }
  set rejected(v: number) {
    this.counters[REJECTED] = v;
  }

  get failedOver(): number {
    return this.counters[FAILED_OVER];
  }
  set failedOver(v: number) {
    this.counters[FAILED_OVER] = v;
  }

  /** Tokens of completed requests. */
  get inputTokens(): number {
    return this.counters[INPUT_TOKENS];
  }
  set inputTokens(v: number) {
    this.counters[INPUT_TOKENS] = v;
  }

  get outputTokens(): number {
    return this.counters[OUTPUT_TOKENS];
  }
  set outputTokens(v: number) {
    this.counters[OUTPUT_TOKENS] = v;
  }

  get sloMet(): number {
    return this.counters[SLO_MET];
  }
  set sloMet(v: number) {
    this.counters[SLO_MET] = v;
  }

  /** Requests that waited in a queue on arrival instead of entering a batch at once. */
  get waited(): number {
    return this.counters[WAITED];
  }
  set waited(v: number) {
    this.counters[WAITED] = v;
  }

  /** Times a request of this row was preempted (spot work evicted for others) and requeued. */
  get preempted(): number {
    return this.counters[PREEMPTED];
  }
  set preempted(v: number) {
    this.counters[PREEMPTED] = v;
  }

  /** Prompt tokens of the completed requests that met their SLO. */
  get sloMetInputTokens(): number {
    return this.counters[SLO_MET_INPUT_TOKENS];
  }

  /** Output tokens of the completed requests that met their SLO. */
  get sloMetOutputTokens(): number {
    return this.counters[SLO_MET_OUTPUT_TOKENS];
  }

  /** KV-shortage preemptions of this row's requests (scheduler.prefill: chunked). */
  get kvPreempted(): number {
    return this.counters[KV_PREEMPTED];
  }

  /** Of those, the ones that swapped the request out to host memory (scheduler.preemption: swap). */
  get kvSwapped(): number {
    return this.counters[KV_SWAPPED];
  }

  /** Of the rejections, the requests longer than every model of their chain could hold. */
  get rejectedTooLong(): number {
    return this.counters[REJECTED_TOO_LONG];
  }

  get cachedInputTokens(): number {
    return this.counters[CACHED_INPUT_TOKENS];
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
