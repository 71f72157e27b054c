/**
 * The output files as tables, built from a finished run, its financials and its summary
 * (see /docs/outputs.md for every column). Nothing here reaches back into the simulation.
 */

import { type Financials, IDLE } from "../billing/financials.js";
import { splitMicro } from "../billing/money.js";
import type { Summary } from "../billing/summary.js";
import { sumUse, useRatios } from "../capacity/capacity-use.js";
import type { RunResult } from "../contract/run-result.js";
import { type LatencyPercentiles, PERCENTILES } from "../metrics/latency-percentiles.js";
import type { TenantSpec } from "../scenario/types.js";
import { type Cell, int, money, num, type Table, text, time } from "./csv.js";
import { replicasByModel } from "./scaling-table.js";

export const SUMMARY_COLUMNS = [
  "scenario",
  "seed",
  "horizon_s",
  "requests",
  "completed",
  "rejected",
  "in_flight",
  "failed_over",
  "input_tokens",
  "output_tokens",
  "revenue_usd",
  "owner_share_usd",
  "cost_usd",
  "margin_usd",
  "margin_pct",
  "utilization",
  "slo_attainment",
  "revenue_hhi",
  // Additions after the contract's columns (never reorder the ones above):
  "jain_fairness",
  "interrupted",
  "commitment_shortfall_usd",
  "sla_credit_usd",
  "preempted",
  // 0.2: utilisation that falls with load, goodput, latency percentiles over all requests.
  "busy_fraction",
  "compute_utilization",
  "goodput_requests",
  "goodput_input_tokens",
  "goodput_output_tokens",
  ...latencyColumns(),
  "kv_utilization",
  "kv_peak_utilization",
  "memory_bandwidth_utilization",
  // 0.3: step-level service (scheduler.prefill: chunked).
  "kv_preemptions",
  // prefix caching (step replicas)
  "cached_input_tokens",
  "prefix_hit_rate",
  // 0.4: the autoscaler.
  "replica_loads",
  "replica_switches",
  // swap preemption (step replicas)
  "kv_swaps",
  // models' context lengths
  "rejected_too_long",
];

/** ttft_p50_s ... e2e_p99_s: the latency percentiles' columns (summary.csv, models.csv). */
export function latencyColumns(): string[] {
  const pct = PERCENTILES.map((q) => `p${Math.round(q * 100)}`);
  return [
    ...pct.map((p) => `ttft_${p}_s`),
    ...pct.map((p) => `tpot_${p}_ms`),
    ...pct.map((p) => `e2e_${p}_s`),
  ];
}

/** Their cells: seconds, and TPOT in milliseconds. */
export function latencyCells(l: LatencyPercentiles): Cell[] {
  return [...l.ttftS.map((v) => num(v)), ...l.tpotS.map((v) => num(ms(v), 4)), ...l.e2eS.map((v) => num(v))];
}

export function summaryRow(s: Summary): Cell[] {
  return [
    text(s.scenario),
    int(s.seed),
    num(s.horizonS, 3),
    int(s.requests),
    int(s.completed),
    int(s.rejected),
    int(s.inFlight),
    int(s.failedOver),
    int(s.inputTokens),
    int(s.outputTokens),
    money(s.revenue),
    money(s.ownerShare),
    money(s.cost),
    money(s.margin),
    num(s.marginPct),
    num(s.utilization),
    num(s.sloAttainment),
    num(s.revenueHhi),
    num(s.jainFairness),
    int(s.interrupted),
    money(s.commitmentShortfall),
    money(s.slaCredit),
    int(s.preempted),
    num(s.busyFraction),
    num(s.computeUtilization),
    s.goodputRequests === null ? num(null) : int(s.goodputRequests),
    s.goodputInputTokens === null ? num(null) : int(s.goodputInputTokens),
    s.goodputOutputTokens === null ? num(null) : int(s.goodputOutputTokens),
    ...latencyCells(s.latency),
    num(s.kvUtilization),
    num(s.kvPeakUtilization),
    num(s.memoryBandwidthUtilization),
    int(s.kvPreemptions),
    int(s.cachedInputTokens),
    num(s.prefixHitRate),
    int(s.replicaLoads),
    int(s.replicaSwitches),
    int(s.kvSwaps),
    int(s.rejectedTooLong),
  ];
}

export function summaryTable(s: Summary): Table {
  return { columns: SUMMARY_COLUMNS, rows: [summaryRow(s)] };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Revenue and owner share per report interval x pool (index interval x pools + pool), micro-dollars. */
function revenueByPoolInterval(run: RunResult, fin: Financials) {
  const n = run.intervals * run.scenario.fleet.pools.length;
  const revenue = new Float64Array(n);
  const share = new Float64Array(n);
  for (const l of fin.revenue) {
    const i = l.interval * run.scenario.fleet.pools.length + l.pool;
    revenue[i] += l.revenue;
    share[i] += l.ownerShare;
  }
  return { revenue, share };
}

export function timeseriesTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  const P = s.fleet.pools.length;
  const rev = revenueByPoolInterval(run, fin);
  const rows: Cell[][] = [];
  // Models some pool may serve: one replicas_<model> column each.
  const served = s.models.map((_, m) => m).filter((m) => run.topology.groupsByModel[m].length > 0);
  for (const c of fin.poolCosts) {
    const pool = s.fleet.pools[c.pool];
    const profile = s.profiles.find((p) => p.id === pool.profile)!;
    let held = 0;
    let capacity = 0;
    let tokens = 0;
    let loading = 0;
    let loads = 0;
    let switches = 0;
    let ttftSum = 0;
    let ttftCount = 0;
    let ttftMissed = 0;
    for (const g of run.topology.groupsByPool[c.pool]) {
      const i = run.grid.at(c.interval, g);
      loading += run.grid.loading[i];
      ttftSum += run.grid.ttftSum[i];
      ttftCount += run.grid.ttftCount[i];
      ttftMissed += run.grid.ttftMissed[i];
      loads += run.scaling?.loads[i] ?? 0;
      switches += run.scaling?.switches[i] ?? 0;
      held += run.grid.held[i];
      capacity += run.grid.available[i] * run.topology.groups[g].curve.maxBatch;
      tokens += run.grid.outputTokens[i];
    }
    const use = useRatios(
      sumUse(run.topology.groupsByPool[c.pool].map((g) => fin.use[run.grid.at(c.interval, g)])),
    );
    const start = c.interval * s.reportInterval;
    const span = Math.min(s.reportInterval, s.horizon - start);
    const i = c.interval * P + c.pool;
    const byModel = replicasByModel(run, c.interval, c.pool);
    rows.push([
      time(s.startMs + start * 1000),
      text(pool.id),
      text(profile.id),
      text(profile.kind),
      text(pool.region),
      num(c.nodeSeconds / span, 4),
      num(use.utilization),
      num(ratio(held, capacity)),
      int(tokens),
      num(c.energyKwh, 6),
      money(c.total),
      money(c.capex),
      money(c.opex),
      money(c.energy),
      money(rev.revenue[i]),
      money(rev.share[i]),
      money(rev.revenue[i] - rev.share[i] - c.total),
      num(use.busyFraction),
      num(use.computeUtilization),
      num(use.kvUtilization),
      num(use.kvPeakUtilization),
      num(use.memoryBandwidthUtilization),
      num(
        byModel.reduce((a, b) => a + b, 0),
        4,
      ),
      num(loading / span, 4),
      int(loads),
      int(switches),
      num(ttftCount > 0 ? ttftSum / ttftCount : null),
      int(Math.round(ttftMissed)),
      ...served.map((m) => num(byModel[m], 4)),
    ]);
  }
  return {
    columns: [
      "period_start",
      "pool",
      "profile",
      "kind",
      "region",
      "nodes",
      "utilization",
      "batch_occupancy",
      "output_tokens",
      "energy_kwh",
      "cost_usd",
      // Additions after the contract's columns:
      "capex_usd",
      "opex_usd",
      "energy_usd",
      "revenue_usd",
      "owner_share_usd",
      "margin_usd",
      "busy_fraction",
      "compute_utilization",
      "kv_utilization",
      "kv_peak_utilization",
      "memory_bandwidth_utilization",
      // 0.4: the autoscaler (replicas present: serving or draining; loading ones hold accelerators, serve nothing).
      "replicas",
      "loading_replicas",
      "replica_loads",
      "replica_switches",
      "ttft_mean_s",
      "ttft_slo_missed",
      ...served.map((m) => `replicas_${s.models[m].id}`),
    ],
    rows,
  };
}

export function revenueByModelTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  const M = s.models.length;
  // Row per interval x model, plus an (idle) row per interval; index M stands for (idle).
  const n = run.intervals * (M + 1);
  const requests = new Float64Array(n);
  const inTok = new Float64Array(n);
  const outTok = new Float64Array(n);
  const rev = new Float64Array(n);
  const share = new Float64Array(n);
  const cost = new Float64Array(n);
  const used = new Uint8Array(n);
  const at = (k: number, m: number) => k * (M + 1) + (m === IDLE ? M : m);
  for (const u of run.usage.rows) {
    const i = at(u.interval, run.topology.groups[u.group].modelIndex);
    requests[i] += u.requests;
    inTok[i] += u.inputTokens;
    outTok[i] += u.outputTokens;
    used[i] = 1;
  }
  for (const l of fin.revenue) {
    const i = at(l.interval, l.model);
    rev[i] += l.revenue;
    share[i] += l.ownerShare;
    used[i] = 1;
  }
  for (const l of fin.cost) {
    const i = at(l.interval, l.model);
    cost[i] += l.cost;
    if (l.model !== IDLE || l.cost !== 0) used[i] = 1;
  }
  const served = new Set(run.topology.groups.map((g) => g.modelIndex));
  const rows: Cell[][] = [];
  for (let k = 0; k < run.intervals; k++) {
    for (let m = 0; m <= M; m++) {
      const i = k * (M + 1) + m;
      if (m < M && !served.has(m) && !used[i]) continue;
      const model = m < M ? s.models[m] : null;
      rows.push([
        time(s.startMs + k * s.reportInterval * 1000),
        text(model ? model.id : "(idle)"),
        text(model ? model.owner : ""),
        int(requests[i]),
        int(inTok[i]),
        int(outTok[i]),
        money(rev[i]),
        money(share[i]),
        money(cost[i]),
        money(rev[i] - share[i] - cost[i]),
      ]);
    }
  }
  return {
    columns: [
      "period_start",
      "model",
      "owner",
      "requests",
      "input_tokens",
      "output_tokens",
      "revenue_usd",
      "owner_share_usd",
      "cost_usd",
      "margin_usd",
    ],
    rows,
  };
}

export function tenantsTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  // Every revenue line names the tenants.csv row it is billed on; -1 is the row of a tenant without
  // workloads (listed with an empty model so that billed_usd still adds up to the revenue).
  const R = run.stats.length;
  const at = (l: { tenant: number; statRow: number }) => (l.statRow >= 0 ? l.statRow : R + l.tenant);
  const billed = new Float64Array(R + s.tenants.length);
  const shortfall = new Float64Array(R + s.tenants.length);
  const credit = new Float64Array(R + s.tenants.length);
  for (const l of fin.revenue) {
    billed[at(l)] += l.revenue;
    if (l.kind === "commitment") shortfall[at(l)] += l.revenue;
    if (l.kind === "sla_credit") credit[at(l)] -= l.revenue;
  }
  const rowsOf = s.tenants.map((): number[] => []);
  run.stats.forEach((st, i) => {
    rowsOf[st.tenantIndex].push(i);
  });
  const rows: Cell[][] = [];
  s.tenants.forEach((t, ti) => {
    const tail = (i: number) => [
      money(billed[i]),
      text(t.contract.type),
      money(shortfall[i]),
      money(credit[i]),
      int(i < R ? run.stats[i].preempted : 0),
      int(i < R ? run.stats[i].kvPreempted : 0),
      ...sloTargets(t, i < R ? s.models[run.stats[i].modelIndex].id : null),
      int(i < R ? run.stats[i].cachedInputTokens : 0),
      num(
        i < R && run.stats[i].inputTokens > 0
          ? run.stats[i].cachedInputTokens / run.stats[i].inputTokens
          : null,
      ),
      int(i < R ? run.stats[i].kvSwapped : 0),
      int(i < R ? run.stats[i].rejectedTooLong : 0),
    ];
    if (rowsOf[ti].length === 0) {
      const counts = Array.from({ length: 7 }, () => int(0)); // requests .. output_tokens
      const latencies = Array.from({ length: 10 }, () => num(null)); // ttft_mean_s .. slo_attainment
      rows.push([text(t.id), text(t.kind), text(""), ...counts, ...latencies, ...tail(R + ti)]);
      return;
    }
    for (const i of rowsOf[ti]) {
      const st = run.stats[i];
      rows.push([
        text(t.id),
        text(t.kind),
        text(s.models[st.modelIndex].id),
        int(st.requests),
        int(st.completed),
        int(st.rejected),
        int(st.inFlight),
        int(st.failedOver),
        int(st.inputTokens),
        int(st.outputTokens),
        num(st.ttftS.mean()),
        num(st.ttftS.quantile(0.5)),
        num(st.ttftS.quantile(0.99)),
        num(ms(st.tpotS.mean()), 4),
        num(ms(st.tpotS.quantile(0.5)), 4),
        num(ms(st.tpotS.quantile(0.99)), 4),
        num(st.e2eS.mean()),
        num(st.e2eS.quantile(0.5)),
        num(st.e2eS.quantile(0.99)),
        num(st.requests > 0 ? st.sloMet / st.requests : null),
        ...tail(i),
      ]);
    }
  });
  return {
    columns: [
      "tenant",
      "kind",
      "model",
      "requests",
      "completed",
      "rejected",
      "in_flight",
      "failed_over",
      "input_tokens",
      "output_tokens",
      "ttft_mean_s",
      "ttft_p50_s",
      "ttft_p99_s",
      "tpot_mean_ms",
      "tpot_p50_ms",
      "tpot_p99_ms",
      "e2e_mean_s",
      "e2e_p50_s",
      "e2e_p99_s",
      "slo_attainment",
      "billed_usd",
      // Additions after the contract's columns:
      "contract",
      "commitment_shortfall_usd",
      "sla_credit_usd",
      "preempted",
      "kv_preemptions",
      "slo_ttft_s",
      "slo_tpot_ms",
      "sla_target",
      "cached_input_tokens",
      "prefix_hit_rate",
      "kv_swaps",
      "rejected_too_long",
    ],
    rows,
  };
}

/**
 * The targets a tenants.csv row is measured against: the SLO of the row's workloads (the tightest
 * bound when several workloads of the tenant request the model with different SLOs; empty when
 * none has one) and the tenant's SLA target (empty without an SLA).
 */
function sloTargets(t: TenantSpec, model: string | null): Cell[] {
  const slos = t.workloads.filter((w) => w.model === model && w.slo !== null).map((w) => w.slo!);
  const tightest = (xs: number[]) => (xs.length > 0 ? Math.min(...xs) : null);
  return [
    num(tightest(slos.map((x) => x.ttftS))),
    num(tightest(slos.map((x) => x.tpotMs)), 4),
    num(t.contract.sla?.target ?? null),
  ];
}

function ms(v: number | null): number | null {
  return v === null ? null : v * 1000;
}

export function marginTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  const P = s.fleet.pools.length;
  const revenue = new Float64Array(P);
  const share = new Float64Array(P);
  for (const l of fin.revenue) {
    revenue[l.pool] += l.revenue;
    share[l.pool] += l.ownerShare;
  }
  const rows = s.fleet.pools.map((pool, p) => {
    const profile = s.profiles.find((x) => x.id === pool.profile)!;
    let capex = 0;
    let energy = 0;
    let opex = 0;
    let nodeSeconds = 0;
    let kwh = 0;
    let idle = 0;
    let switching = 0;
    for (const c of fin.poolCosts) {
      if (c.pool !== p) continue;
      // The interval's cost split by accelerator-seconds: busy, loading weights, and the rest (idle).
      const busy = c.busyAcceleratorSeconds.reduce((a, b) => a + b, 0);
      const loading = c.loadingAcceleratorSeconds;
      const parts = splitMicro(c.total, [
        busy,
        loading,
        Math.max(0, c.presentAcceleratorSeconds - busy - loading),
      ]);
      switching += parts[1];
      idle += parts[2];
      capex += c.capex;
      energy += c.energy;
      opex += c.opex;
      nodeSeconds += c.nodeSeconds;
      kwh += c.energyKwh;
    }
    const use = useRatios(
      sumUse(
        run.topology.groupsByPool[p].flatMap((g) =>
          Array.from({ length: run.intervals }, (_, k) => fin.use[run.grid.at(k, g)]),
        ),
      ),
    );
    const cost = capex + energy + opex;
    const margin = revenue[p] - share[p] - cost;
    return [
      text(pool.id),
      text(profile.id),
      text(profile.kind),
      text(pool.region),
      money(revenue[p]),
      money(capex),
      money(energy),
      money(opex),
      money(cost),
      money(margin),
      num(revenue[p] !== 0 ? margin / revenue[p] : null),
      num(use.utilization),
      money(share[p]),
      num(nodeSeconds / 3600, 6),
      num(kwh, 6),
      num(use.busyFraction),
      num(use.computeUtilization),
      num(use.kvUtilization),
      num(use.kvPeakUtilization),
      num(use.memoryBandwidthUtilization),
      money(idle),
      money(switching),
    ];
  });
  return {
    columns: [
      "pool",
      "profile",
      "kind",
      "region",
      "revenue_usd",
      "capex_usd",
      "energy_usd",
      "opex_usd",
      "cost_usd",
      "margin_usd",
      "margin_pct",
      "utilization",
      // Additions after the contract's columns:
      "owner_share_usd",
      "node_hours",
      "energy_kwh",
      "busy_fraction",
      "compute_utilization",
      "kv_utilization",
      "kv_peak_utilization",
      "memory_bandwidth_utilization",
      // 0.4: what capacity that served nothing cost.
      "idle_cost_usd",
      "switching_cost_usd",
    ],
    rows,
  };
}
