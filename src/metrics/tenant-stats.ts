/** Counters and latency distributions of one tenant x requested model. */
import { LatencyStats } from "./latency.js";

export class TenantModelStats {
  requests = 0;
  completed = 0;
  rejected = 0;
  failedOver = 0;
  /** Tokens of completed requests. */
  inputTokens = 0;
  outputTokens = 0;
  sloMet = 0;
  /** Requests that waited in a queue on arrival instead of entering a batch at once. */
  waited = 0;
  /** Times a request of this row was preempted (spot work evicted for others) and requeued. */
  preempted = 0;
  readonly ttftS = new LatencyStats();
  readonly tpotS = new LatencyStats();
  readonly e2eS = new LatencyStats();

  constructor(
    readonly tenantIndex: number,
    readonly modelIndex: number,
  ) {}

  /** Adds everything `other` (a row of the same tenant and model from another run) recorded. */
  add(other: TenantModelStats): void {
    this.requests += other.requests;
    this.completed += other.completed;
    this.rejected += other.rejected;
    this.failedOver += other.failedOver;
    this.inputTokens += other.inputTokens;
    this.outputTokens += other.outputTokens;
    this.sloMet += other.sloMet;
    this.waited += other.waited;
    this.preempted += other.preempted;
    this.ttftS.merge(other.ttftS);
    this.tpotS.merge(other.tpotS);
    this.e2eS.merge(other.e2eS);
  }

  get inFlight(): number {
    return this.requests - this.completed - this.rejected;
  }
}
