/**
 * models.csv: one row per requested model (its tenants' rows of tenants.csv added up): counts,
 * SLO attainment, goodput and the latency percentiles over every request for that model. The same
 * figures are in summary.json under `models`.
 */
import type { RunResult } from "../contract/run-result.js";
import { latencyPercentiles } from "../metrics/latency-percentiles.js";
import type { TenantModelStats } from "../metrics/tenant-stats.js";
import { type Cell, int, num, type Table, text } from "./csv.js";
import { latencyCells, latencyColumns } from "./tables.js";

export function modelsTable(run: RunResult): Table {
  const s = run.scenario;
  // The fluid mode knows mean latencies only (see summary.ts): no attainment or goodput there.
  const measured = s.fidelity !== "fluid";
  const byModel = new Map<number, TenantModelStats[]>();
  for (const st of run.stats) {
    const list = byModel.get(st.modelIndex);
    if (list) list.push(st);
    else byModel.set(st.modelIndex, [st]);
  }
  const rows: Cell[][] = [];
  for (const [m, stats] of [...byModel].sort((a, b) => a[0] - b[0])) {
    const sum = (f: (st: TenantModelStats) => number) => stats.reduce((a, st) => a + f(st), 0);
    const requests = sum((st) => st.requests);
    const l = latencyPercentiles(stats);
    rows.push([
      text(s.models[m].id),
      text(s.models[m].owner),
      int(requests),
      int(sum((st) => st.completed)),
      int(sum((st) => st.rejected)),
      int(sum((st) => st.failedOver)),
      int(sum((st) => st.inputTokens)),
      int(sum((st) => st.outputTokens)),
      num(measured && requests > 0 ? sum((st) => st.sloMet) / requests : null),
      measured ? int(sum((st) => st.sloMet)) : num(null),
      measured ? int(sum((st) => st.sloMetOutputTokens)) : num(null),
      ...latencyCells(l),
      int(sum((st) => st.rejectedTooLong)),
    ]);
  }
  return {
    columns: [
      "model",
      "owner",
      "requests",
      "completed",
      "rejected",
      "failed_over",
      "input_tokens",
      "output_tokens",
      "slo_attainment",
      "goodput_requests",
      "goodput_output_tokens",
      ...latencyColumns(),
      // models' context lengths: of rejected, those longer than every model of their chain holds
      "rejected_too_long",
    ],
    rows,
  };
}
