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
  outputTokens: number;
  /** The requests' share of their replicas' busy time, in replica-seconds (see Replica.shareClock). */
  busyReplicaSeconds: number;
}

export class UsageLedger {
  readonly rows: UsageRow[] = [];
  private readonly index = new Map<number, number>();
  /** Last row used per (stats row, group) and its key: completions mostly repeat the last one. */
  private readonly cacheKey: Float64Array;
  private readonly cacheRow: Int32Array;

  constructor(
    private readonly statRows: number,
    private readonly groups: number,
    private readonly intervals: number,
  ) {
    this.cacheKey = new Float64Array(statRows * groups).fill(-1);
    this.cacheRow = new Int32Array(statRows * groups);
  }

  add(
    interval: number,
    tenant: number,
    statRow: number,
    group: number,
    epoch: number,
    input: number,
    output: number,
    failedOver: boolean,
    busyReplicaSeconds: number,
  ): void {
    const slot = statRow * this.groups + group;
    const key = ((epoch * this.intervals + interval) * this.statRows + statRow) * this.groups + group;
    let i: number | undefined = this.cacheKey[slot] === key ? this.cacheRow[slot] : this.index.get(key);
    if (i === undefined) {
      i = this.rows.length;
      this.index.set(key, i);
      this.rows.push({
        interval,
        tenant,
        statRow,
        group,
        epoch,
        requests: 0,
        failedOver: 0,
        inputTokens: 0,
        outputTokens: 0,
        busyReplicaSeconds: 0,
      });
    }
    this.cacheKey[slot] = key;
    this.cacheRow[slot] = i;
    const row = this.rows[i];
    row.requests++;
    if (failedOver) row.failedOver++;
    row.inputTokens += input;
    row.outputTokens += output;
    row.busyReplicaSeconds += busyReplicaSeconds;
  }

  /** Rows in a canonical order (interval, stats row, group, epoch), independent of completion order. */
  sorted(): UsageRow[] {
    return [...this.rows].sort(
      (a, b) => a.interval - b.interval || a.statRow - b.statRow || a.group - b.group || a.epoch - b.epoch,
    );
  }
}
