/**
 * Token usage as whole numbers, per (report interval, tenant x requested model, serving replica group, price epoch). Money
 * is computed from these integer counts once, at the end, so every total is exact and independent
 * of the order requests completed in.
 */
export interface UsageRow {
  interval: number;
  tenant: number;
  /** Tenant x requested-model statistics row the requests belong to. */
  statRow: number;
  /** Replica group (pool x model) that served the requests. */
  group: number;
  /** Index of the model's price in force (0 = the scenario's price, k = after its k-th price change). */
  epoch: number;
  requests: number;
  failedOver: number;
  inputTokens: number;
  /** Of inputTokens, those read from the prefix cache (billed at the cached-input price). */
  cachedInputTokens: number;
  outputTokens: number;
  /** The requests' share of their replicas' busy time, in replica-seconds (see Replica.shareClock). */
  busyReplicaSeconds: number;
}

export class UsageLedger {
  readonly rows: UsageRow[] = [];
  /**
   * The open accumulation per slot (stats row x group), for the current report interval and the
   * price epoch in force: completions add to typed arrays (no object, no key lookup per request)
   * and each slot becomes one row when its interval closes or its model's price changes. Every row
   * is one uninterrupted run of additions, so its float sums do not depend on when it is flushed.
   */
  private readonly requests: Float64Array;
  private readonly failedOver: Float64Array;
  private readonly inputTokens: Float64Array;
  private readonly cachedInputTokens: Float64Array;
  private readonly outputTokens: Float64Array;
  private readonly busy: Float64Array;

  constructor(
    private readonly statRows: number,
    private readonly groups: number,
  ) {
    const n = statRows * groups;
    this.requests = new Float64Array(n);
    this.failedOver = new Float64Array(n);
    this.inputTokens = new Float64Array(n);
    this.cachedInputTokens = new Float64Array(n);
    this.outputTokens = new Float64Array(n);
    this.busy = new Float64Array(n);
  }

  /** The accumulator slot of (stats row, serving group). */
  slot(statRow: number, group: number): number {
    return statRow * this.groups + group;
  }

  /** One completed request served by the slot's group (`cachedInput` of its `input` tokens were cached). */
  add(
    slot: number,
    input: number,
    cachedInput: number,
    output: number,
    failedOver: boolean,
    busyReplicaSeconds: number,
  ): void {
    this.requests[slot]++;
    if (failedOver) this.failedOver[slot]++;
    this.inputTokens[slot] += input;
    if (cachedInput !== 0) this.cachedInputTokens[slot] += cachedInput;
    this.outputTokens[slot] += output;
    this.busy[slot] += busyReplicaSeconds;
  }

  /**
   * Closes the open accumulations of the groups for which `groupSelected` is true (all when it is
   * null) into rows of `interval`, each at its group's price epoch `epochOfGroup(g)`.
   */
  flush(
    interval: number,
    tenantOfStatRow: ArrayLike<number>,
    epochOfGroup: (g: number) => number,
    groupSelected: ((g: number) => boolean) | null = null,
  ): void {
    for (let g = 0; g < this.groups; g++) {
      if (groupSelected !== null && !groupSelected(g)) continue;
      for (let st = 0; st < this.statRows; st++) {
        const k = st * this.groups + g;
        if (this.requests[k] === 0) continue;
        this.rows.push({
          interval,
          tenant: tenantOfStatRow[st],
          statRow: st,
          group: g,
          epoch: epochOfGroup(g),
          requests: this.requests[k],
          failedOver: this.failedOver[k],
          inputTokens: this.inputTokens[k],
          cachedInputTokens: this.cachedInputTokens[k],
          outputTokens: this.outputTokens[k],
          busyReplicaSeconds: this.busy[k],
        });
        this.requests[k] = 0;
        this.failedOver[k] = 0;
        this.inputTokens[k] = 0;
        this.cachedInputTokens[k] = 0;
        this.outputTokens[k] = 0;
        this.busy[k] = 0;
      }
    }
  }

  /** Rows in a canonical order (interval, stats row, group, epoch), independent of completion order. */
  sorted(): UsageRow[] {
    return [...this.rows].sort(
      (a, b) => a.interval - b.interval || a.statRow - b.statRow || a.group - b.group || a.epoch - b.epoch,
    );
  }
}
