/**
 * capacity.csv: one row per replica group (pool x model) that had replicas: what it used of its
 * capacity over the run, the mix it served and, at its busiest report interval, its headroom
 * before the SLO breaks (an estimate: capacity/headroom.ts says how it is made and what it misses).
 */
import type { GroupMix } from "../capacity/capacity-use.js";
import { type GroupIntervalUse, sumUse, useRatios } from "../capacity/capacity-use.js";
import { groupHeadroom } from "../capacity/headroom.js";
import type { RunResult } from "../contract/run-result.js";
import { type Cell, num, type Table, text, time } from "./csv.js";

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const over = (a: number, b: number): number | null => (b > 0 ? a / b - 1 : null);

export function capacityTable(run: RunResult, use: GroupIntervalUse[], mixes: GroupMix[]): Table {
  const s = run.scenario;
  const G = run.topology.groups.length;
  const rows: Cell[][] = [];
  for (const h of groupHeadroom(run, use, mixes)) {
    const g = run.topology.groups[h.group];
    const whole = useRatios(sumUse(Array.from({ length: run.intervals }, (_, k) => use[k * G + h.group])));
    rows.push([
      text(g.pool.id),
      text(g.model.id),
      num(whole.utilization),
      num(whole.busyFraction),
      num(whole.computeUtilization),
      num(whole.kvUtilization),
      num(whole.kvPeakUtilization),
      num(whole.memoryBandwidthUtilization),
      num(mixes[h.group].promptTokens, 3),
      num(mixes[h.group].outputTokens, 3),
      num(mixes[h.group].saturatedOutputTokensPerS, 3),
      time(s.startMs + h.peakInterval * s.reportInterval * 1000),
      num(h.peakReplicas, 4),
      num(h.peakRequestsPerS, 4),
      num(finite(h.sloTtftS), 3),
      num(finite(h.sloTpotS * 1000), 3),
      num(h.maxRequestsPerSWithinSlo, 4),
      num(over(h.maxRequestsPerSWithinSlo, h.peakRequestsPerS)),
      num(h.saturatedRequestsPerS, 4),
      num(over(h.saturatedRequestsPerS, h.peakRequestsPerS)),
    ]);
  }
  return {
    columns: [
      "pool",
      "model",
      "utilization",
      "busy_fraction",
      "compute_utilization",
      "kv_utilization",
      "kv_peak_utilization",
      "memory_bandwidth_utilization",
      "mix_prompt_tokens",
      "mix_output_tokens",
      "saturated_output_tokens_per_s_per_replica",
      "peak_period_start",
      "peak_replicas",
      "peak_requests_per_s",
      "slo_ttft_s",
      "slo_tpot_ms",
      "est_max_requests_per_s_within_slo",
      "est_headroom",
      "saturated_requests_per_s",
      "saturation_headroom",
    ],
    rows,
  };
}
