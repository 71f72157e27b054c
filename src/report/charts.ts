/** The report's sections: each a heading, its chart(s), legend and table, from the run's tables. */
import { fmtNumber, fmtPct, fmtUsd, num } from "./format.js";
import { seriesStyle } from "./palette.js";
import type { Row, RunTables } from "./read-run.js";
import { pivot } from "./series.js";
import { groupedBarChart, legend, lineChart, type Series, stackedBarChart } from "./svg.js";
import { table } from "./tables.js";

const section = (title: string, body: string) => `<section><h2>${title}</h2>${body}</section>`;
const pct = (xs: number[]) => xs.map((v) => v * 100);

export function utilisationSection(t: RunTables): string {
  const p = pivot(t.timeseries, "pool");
  const series: Series[] = p.keys.map((k) => ({ name: k, values: pct(p.value(k, "utilization")) }));
  const chart = lineChart({
    title: "Utilisation per pool",
    yLabel: "utilisation (%)",
    times: p.times,
    series,
  });
  return section("Utilisation per pool", chart + legend(series));
}

export function costSection(t: RunTables): string {
  const p = pivot(t.timeseries, "pool");
  const series: Series[] = p.keys.map((k) => ({ name: k, values: p.value(k, "cost_usd") }));
  const chart = stackedBarChart({
    title: "Cost per pool per interval",
    yLabel: "cost per interval (USD)",
    times: p.times,
    series,
  });
  const pools = table(t.margin, [
    { head: "pool", cell: (r: Row) => r.pool ?? "" },
    { head: "profile", cell: (r) => r.profile ?? "" },
    { head: "kind", cell: (r) => r.kind ?? "" },
    { head: "region", cell: (r) => r.region ?? "" },
    { head: "node-hours", cell: (r) => fmtNumber(num(r.node_hours), 1), numeric: true },
    { head: "utilisation", cell: (r) => fmtPct(num(r.utilization)), numeric: true },
    { head: "revenue", cell: (r) => fmtUsd(num(r.revenue_usd)), numeric: true },
    { head: "cost", cell: (r) => fmtUsd(num(r.cost_usd)), numeric: true },
    { head: "margin", cell: (r) => fmtUsd(num(r.margin_usd)), numeric: true },
    { head: "margin %", cell: (r) => fmtPct(num(r.margin_pct)), numeric: true },
  ]);
  return section("Cost per pool", chart + legend(series) + pools);
}

interface ModelTotals {
  model: string;
  owner: string;
  requests: number;
  outputTokens: number;
  revenue: number;
  ownerShare: number;
  cost: number;
  margin: number;
}

function modelTotals(rows: Row[]): ModelTotals[] {
  const by = new Map<string, ModelTotals>();
  for (const r of rows) {
    const model = r.model ?? "";
    const m = by.get(model) ?? {
      model,
      owner: r.owner ?? "",
      requests: 0,
      outputTokens: 0,
      revenue: 0,
      ownerShare: 0,
      cost: 0,
      margin: 0,
    };
    m.requests += num(r.requests) || 0;
    m.outputTokens += num(r.output_tokens) || 0;
    m.revenue += num(r.revenue_usd) || 0;
    m.ownerShare += num(r.owner_share_usd) || 0;
    m.cost += num(r.cost_usd) || 0;
    m.margin += num(r.margin_usd) || 0;
    by.set(model, m);
  }
  return [...by.values()];
}

export function revenueSection(t: RunTables): string {
  const p = pivot(t.revenueByModel, "model");
  // Same colour per model; revenue solid, margin dashed.
  const series: Series[] = p.keys.flatMap((k, i) => {
    const colour = seriesStyle(i).colour;
    return [
      { name: `${k} revenue`, values: p.value(k, "revenue_usd"), style: { colour, dash: "" } },
      { name: `${k} margin`, values: p.value(k, "margin_usd"), style: { colour, dash: "6 3" } },
    ];
  });
  const chart = lineChart({
    title: "Revenue and margin by model",
    yLabel: "USD per interval",
    times: p.times,
    series,
  });
  const totals = table(modelTotals(t.revenueByModel), [
    { head: "model", cell: (m) => m.model },
    { head: "owner", cell: (m) => m.owner },
    { head: "requests", cell: (m) => fmtNumber(m.requests, 0), numeric: true },
    { head: "output tokens", cell: (m) => fmtNumber(m.outputTokens, 0), numeric: true },
    { head: "revenue", cell: (m) => fmtUsd(m.revenue), numeric: true },
    { head: "owner share", cell: (m) => fmtUsd(m.ownerShare), numeric: true },
    { head: "cost", cell: (m) => fmtUsd(m.cost), numeric: true },
    { head: "margin", cell: (m) => fmtUsd(m.margin), numeric: true },
  ]);
  return section("Revenue and margin by model", chart + legend(series) + totals);
}

export function tenantSection(t: RunTables): string {
  const rows = t.tenants.filter((r) => num(r.requests) > 0);
  const categories = rows.map((r) => (r.model ? `${r.tenant} · ${r.model}` : (r.tenant ?? "")));
  const col = (c: string) => rows.map((r) => num(r[c]));
  const slo: Series[] = [{ name: "SLO attainment", values: pct(col("slo_attainment")) }];
  const ttft: Series[] = [
    { name: "TTFT p50", values: col("ttft_p50_s") },
    { name: "TTFT p99", values: col("ttft_p99_s") },
  ];
  const tpot: Series[] = [
    { name: "TPOT p50", values: col("tpot_p50_ms") },
    { name: "TPOT p99", values: col("tpot_p99_ms") },
  ];
  const charts =
    groupedBarChart({ title: "SLO attainment", yLabel: "SLO attainment (%)", categories, series: slo }) +
    legend(slo) +
    groupedBarChart({ title: "Time to first token", yLabel: "TTFT (s)", categories, series: ttft }) +
    legend(ttft) +
    groupedBarChart({ title: "Time per output token", yLabel: "TPOT (ms)", categories, series: tpot }) +
    legend(tpot);
  const s =
    (c: string, d = 3) =>
    (r: Row) =>
      fmtNumber(num(r[c]), d);
  const tbl = table(t.tenants, [
    { head: "tenant", cell: (r: Row) => r.tenant ?? "" },
    { head: "kind", cell: (r) => r.kind ?? "" },
    { head: "model", cell: (r) => r.model ?? "" },
    { head: "contract", cell: (r) => r.contract ?? "" },
    { head: "requests", cell: s("requests", 0), numeric: true },
    { head: "rejected", cell: s("rejected", 0), numeric: true },
    { head: "SLO attainment", cell: (r) => fmtPct(num(r.slo_attainment)), numeric: true },
    { head: "TTFT p50 (s)", cell: s("ttft_p50_s"), numeric: true },
    { head: "TTFT p99 (s)", cell: s("ttft_p99_s"), numeric: true },
    { head: "TPOT p50 (ms)", cell: s("tpot_p50_ms"), numeric: true },
    { head: "TPOT p99 (ms)", cell: s("tpot_p99_ms"), numeric: true },
    { head: "billed", cell: (r) => fmtUsd(num(r.billed_usd)), numeric: true },
  ]);
  const body = rows.length > 0 ? charts : "<p>No tenant sent requests.</p>";
  return section("Tenants: SLO attainment and latency", body + tbl);
}
