/**
 * TTFT, TPOT and end-to-end percentiles over a set of tenant x model rows (all of a run, or one
 * model's), from their merged histograms: each within the histogram's 1/128 relative error of a
 * value of that rank. null where no value was measured (the fluid mode records means only).
 */
import { LatencyStats } from "./latency.js";
import type { TenantModelStats } from "./tenant-stats.js";

export const PERCENTILES = [0.5, 0.9, 0.99] as const;

export interface LatencyPercentiles {
  /** Seconds, at PERCENTILES. */
  ttftS: Array<number | null>;
  /** Seconds per output token, at PERCENTILES. */
  tpotS: Array<number | null>;
  /** Seconds, at PERCENTILES. */
  e2eS: Array<number | null>;
}

export function latencyPercentiles(rows: Iterable<TenantModelStats>): LatencyPercentiles {
  const ttft = new LatencyStats();
  const tpot = new LatencyStats();
  const e2e = new LatencyStats();
  for (const st of rows) {
    ttft.merge(st.ttftS);
    tpot.merge(st.tpotS);
    e2e.merge(st.e2eS);
  }
  const at = (l: LatencyStats) => PERCENTILES.map((q) => l.quantile(q));
  return { ttftS: at(ttft), tpotS: at(tpot), e2eS: at(e2e) };
}
