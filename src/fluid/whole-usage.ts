/**
 * The fluid model's expected counts turned into whole-number usage rows. Billing turns integer
 * tokens into money once (src/billing), so every row must hold whole requests and tokens. Per
 * stats row, rows are taken in time order and each count is the difference of the rounded running
 * totals (a deterministic carry): no row is off by more than one, and every total over a stats
 * row is the rounded expected total, whatever the number of rows.
 */

import type { IntervalGrid } from "../metrics/interval-grid.js";
import type { UsageLedger } from "../metrics/usage-ledger.js";
import type { FlowLayout } from "./flows.js";

const FIELDS = 8;
/** Per stats row, the whole totals writeWhole returns: requests, failedOver, input, output, cached input. */
export const WHOLE_FIELDS = 5;

/** Expected usage per (interval, ledger slot, price epoch), in the order it was recorded. */
export class ExpectedUsage {
  private readonly data: number[] = [];

  push(
    interval: number,
    slot: number,
    epoch: number,
    requests: number,
    input: number,
    cachedInput: number,
    output: number,
    busy: number,
  ): void {
    this.data.push(interval, slot, epoch, requests, input, output, busy, cachedInput);
  }

  get length(): number {
    return this.data.length / FIELDS;
  }

  /**
   * Writes whole-number rows into `ledger` and the output tokens into `grid`; returns per stats
   * row the whole totals [requests, failedOver, input, output, cached input] (WHOLE_FIELDS).
   * Cached input tokens are rounded the same way, and never exceed a row's input tokens.
   */
  writeWhole(
    flows: FlowLayout,
    tenantOfStatRow: Int32Array,
    ledger: UsageLedger,
    grid: IntervalGrid,
  ): Float64Array {
    const statRows = tenantOfStatRow.length;
    const K = 4;
    const exact = new Float64Array(statRows * K);
    const whole = new Float64Array(statRows * WHOLE_FIELDS);
    const d = this.data;
    for (let i = 0; i < d.length; i += FIELDS) {
      const slot = d[i + 1];
      const st = flows.slotStatRow[slot];
      const counts = [d[i + 3], d[i + 4], d[i + 5], d[i + 7]];
      const rounded = counts.map((v, k) => {
        const before = Math.round(exact[st * K + k]);
        exact[st * K + k] += v;
        return Math.round(exact[st * K + k]) - before;
      });
      if (rounded[0] === 0 && rounded[1] === 0 && rounded[2] === 0 && rounded[3] === 0 && d[i + 6] === 0)
        continue;
      const failedOver = flows.slotFailedOver[slot] ? rounded[0] : 0;
      const group = flows.slotGroup[slot];
      const cached = Math.max(0, Math.min(rounded[3], rounded[1]));
      ledger.rows.push({
        interval: d[i],
        tenant: tenantOfStatRow[st],
        statRow: st,
        group,
        epoch: d[i + 2],
        requests: rounded[0],
        failedOver,
        inputTokens: rounded[1],
        cachedInputTokens: cached,
        outputTokens: rounded[2],
        busyReplicaSeconds: d[i + 6],
      });
      grid.outputTokens[grid.at(d[i], group)] += rounded[2];
      const o = st * WHOLE_FIELDS;
      whole[o] += rounded[0];
      whole[o + 1] += failedOver;
      whole[o + 2] += rounded[1];
      whole[o + 3] += rounded[2];
      whole[o + 4] += cached;
    }
    return whole;
  }
}
