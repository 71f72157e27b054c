/**
 * The output files as tables, built from a finished run, its financials and its summary
 * (see /docs/outputs.md for every column). Nothing here reaches back into the simulation.
 */
import { type Financials, IDLE } from "../billing/financials.js";
import type { Summary } from "../billing/summary.js";
import type { RunResult } from "../sim/simulation.js";
import { type Cell, int, money, num, type Table, text, time } from "./csv.js";

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
];

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
  ];
}

export function summaryTable(s: Summary): Table {
  return { columns: SUMMARY_COLUMNS, rows: [summaryRow(s)] };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function timeseriesTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  const rows: Cell[][] = [];
  for (const c of fin.poolCosts) {
    const pool = s.fleet.pools[c.pool];
    const profile = s.profiles.find((p) => p.id === pool.profile)!;
    let busy = 0;
    let available = 0;
    let held = 0;
    let capacity = 0;
    let tokens = 0;
    for (const g of run.topology.groupsByPool[c.pool]) {
      const i = run.grid.at(c.interval, g);
      busy += run.grid.busy[i];
      available += run.grid.available[i];
      held += run.grid.held[i];
      capacity += run.grid.available[i] * run.topology.groups[g].curve.maxBatch;
      tokens += run.grid.outputTokens[i];
    }
    const start = c.interval * s.reportInterval;
    const span = Math.min(s.reportInterval, s.horizon - start);
    rows.push([
      time(s.startMs + start * 1000),
      text(pool.id),
      text(profile.id),
      text(profile.kind),
      text(pool.region),
      num(c.nodeSeconds / span, 4),
      num(ratio(busy, available)),
      num(ratio(held, capacity)),
      int(tokens),
      num(c.energyKwh, 6),
      money(c.total),
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
  // Charges tied to requests go on their tenant x requested-model row; charges of the tenant as a
  // whole (statRow -1: capacity, commitments, credits) on the tenant's first row.
  const billed = new Float64Array(run.stats.length);
  const firstRow = new Map<number, number>();
  run.stats.forEach((st, i) => {
    if (!firstRow.has(st.tenantIndex)) firstRow.set(st.tenantIndex, i);
  });
  for (const l of fin.revenue) billed[l.statRow >= 0 ? l.statRow : firstRow.get(l.tenant)!] += l.revenue;
  const rows = run.stats.map((st, i) => {
    const t = s.tenants[st.tenantIndex];
    return [
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
      money(billed[i]),
    ];
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
    ],
    rows,
  };
}

function ms(v: number | null): number | null {
  return v === null ? null : v * 1000;
}

export function marginTable(run: RunResult, fin: Financials): Table {
  const s = run.scenario;
  const rows = s.fleet.pools.map((pool, p) => {
    const profile = s.profiles.find((x) => x.id === pool.profile)!;
    let revenue = 0;
    let share = 0;
    for (const l of fin.revenue) {
      if (l.pool === p) {
        revenue += l.revenue;
        share += l.ownerShare;
      }
    }
    let capex = 0;
    let energy = 0;
    let opex = 0;
    for (const c of fin.poolCosts) {
      if (c.pool !== p) continue;
      capex += c.capex;
      energy += c.energy;
      opex += c.opex;
    }
    let busy = 0;
    let available = 0;
    for (const g of run.topology.groupsByPool[p]) {
      for (let k = 0; k < run.intervals; k++) {
        busy += run.grid.busy[run.grid.at(k, g)];
        available += run.grid.available[run.grid.at(k, g)];
      }
    }
    const cost = capex + energy + opex;
    const margin = revenue - share - cost;
    return [
      text(pool.id),
      text(profile.id),
      text(profile.kind),
      text(pool.region),
      money(revenue),
      money(capex),
      money(energy),
      money(opex),
      money(cost),
      money(margin),
      num(revenue !== 0 ? margin / revenue : null),
      num(ratio(busy, available)),
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
    ],
    rows,
  };
}
