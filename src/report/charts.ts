/** The run report's sections: each a heading, its chart(s), legend and table, from the run's tables. */
import { type Buckets, buckets } from "./buckets.js";
import { fmtNumber, fmtPct, fmtUsd, num } from "./format.js";
import { hint, section } from "./layout.js";
import { type Style, seriesStyle } from "./palette.js";
import { horizonMs, type Row, type RunTables } from "./read-run.js";
import { pivot } from "./series.js";
import { hbarChart, legend, lineChart, markLegend, type Series, stackedBarChart } from "./svg.js";
import { table } from "./tables.js";

/** The models drawn one by one in the revenue charts; the others are added up as "other". */
export const TOP_MODELS = 6;
/** The revenue_by_model.csv row of capacity no model used (cost without revenue). */
const IDLE = "(idle)";
const OTHER_STYLE: Style = { colour: "#999999", dash: "" };

const pct = (xs: number[]) => xs.map((v) => v * 100);

function groupedNote(b: Buckets): string {
  return b.aggregated
    ? hint(
        `Each point is one ${b.unit}: ${b.times.length} of them over the run; the line is the mean and the band the lowest to highest report interval within it.`,
      )
    : "";
}

export function utilisationSection(t: RunTables): string {
  const p = pivot(t.timeseries, "pool");
  const b = buckets(p.times, horizonMs(t));
  const series: Series[] = p.keys.map((k) => {
    const v = pct(p.value(k, "utilization"));
    return b.aggregated
      ? { name: k, values: b.reduce(v, "mean"), low: b.reduce(v, "min"), high: b.reduce(v, "max") }
      : { name: k, values: v };
  });
  const chart = lineChart({
    title: "Utilisation per pool",
    yLabel: "utilisation (%)",
    times: b.times,
    width: b.width,
    ends: b.ends,
    series,
  });
  return section("Utilisation per pool", chart + legend(series) + groupedNote(b));
}

export function costSection(t: RunTables): string {
  const p = pivot(t.timeseries, "pool");
  const b = buckets(p.times, horizonMs(t));
  const series: Series[] = p.keys.map((k) => ({ name: k, values: b.reduce(p.value(k, "cost_usd"), "sum") }));
  const chart = stackedBarChart({
    title: "Cost per pool",
    yLabel: `cost per ${b.unit} (USD)`,
    times: b.times,
    width: b.width,
    ends: b.ends,
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
  // Highest revenue first, the idle row last; ties in name order so the page is stable.
  return [...by.values()].sort(
    (a, b) =>
      Number(a.model === IDLE) - Number(b.model === IDLE) ||
      b.revenue - a.revenue ||
      a.model.localeCompare(b.model),
  );
}

/** The top models by revenue one by one and the rest summed as "other" (idle capacity left out). */
export function revenueGroups(t: RunTables, top = TOP_MODELS): { name: string; models: string[] }[] {
  const ranked = modelTotals(t.revenueByModel)
    .filter((m) => m.model !== IDLE)
    .map((m) => m.model);
  if (ranked.length <= top + 1) return ranked.map((m) => ({ name: m, models: [m] }));
  const rest = ranked.slice(top);
  return [
    ...ranked.slice(0, top).map((m) => ({ name: m, models: [m] })),
    { name: `other (${rest.length} models)`, models: rest },
  ];
}

export function revenueSection(t: RunTables): string {
  const p = pivot(t.revenueByModel, "model");
  const b = buckets(p.times, horizonMs(t));
  const groups = revenueGroups(t);
  const perInterval = (models: string[], column: string) =>
    p.times.map((_, k) => models.reduce((a, m) => a + (p.value(m, column)[k] || 0), 0));
  const sumOf = (models: string[], column: string) => b.reduce(perInterval(models, column), "sum");
  const style = (i: number, name: string): Style =>
    name.startsWith("other (") ? OTHER_STYLE : seriesStyle(i);
  const revenue: Series[] = groups.map((g, i) => ({
    name: g.name,
    values: sumOf(g.models, "revenue_usd"),
    style: style(i, g.name),
  }));
  const margin: Series[] = groups.map((g, i) => ({
    name: g.name,
    values: b.rate(perInterval(g.models, "margin_usd")),
    style: style(i, g.name),
  }));
  const charts =
    stackedBarChart({
      title: "Revenue by model",
      yLabel: `revenue per ${b.unit} (USD)`,
      times: b.times,
      width: b.width,
      ends: b.ends,
      series: revenue,
    }) +
    legend(revenue) +
    lineChart({
      title: "Margin by model",
      yLabel: `margin per ${b.unit} (USD)`,
      times: b.times,
      width: b.width,
      ends: b.ends,
      series: margin,
    }) +
    legend(margin);
  const idle = modelTotals(t.revenueByModel).find((m) => m.model === IDLE);
  const note = hint(
    `Models are ranked by revenue over the run${groups.length < modelTotals(t.revenueByModel).filter((m) => m.model !== IDLE).length ? `; beyond the top ${TOP_MODELS} they are added up as "other"` : ""}. ` +
      (idle
        ? `The cost of capacity no model used (${fmtUsd(idle.cost)}) is in the ${IDLE} row of the table, not in the charts.`
        : ""),
  );
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
  return section("Revenue and margin by model", charts + note + totals);
}

/** Share of requests missing the SLO as a percentage with enough digits to tell 99.99 % from 99.9 %. */
const fmtShare = (v: number) => {
  if (!Number.isFinite(v)) return "–";
  const p = v * 100;
  if (p === 0) return "0 %";
  return `${p >= 1 ? +p.toPrecision(3) : +p.toPrecision(2)} %`;
};
const fmtAttainment = (v: number) => {
  if (!Number.isFinite(v)) return "–";
  if (v === 1) return "all met";
  // As many digits as it takes to show the misses (99.994 %, not 100.00 %).
  const misses = 1 - v;
  const digits = Math.min(6, Math.max(1, Math.ceil(-Math.log10(misses * 100)) + 1));
  return `${(v * 100).toFixed(digits)} % met`;
};

export function tenantSection(t: RunTables): string {
  const rows = t.tenants.filter((r) => num(r.requests) > 0);
  const label = (r: Row) => (r.model ? `${r.tenant} · ${r.model}` : (r.tenant ?? ""));
  const sla = rows.some((r) => Number.isFinite(num(r.sla_target)));
  const misses = hbarChart({
    title: "Requests missing their SLO",
    xLabel: "share of requests missing their SLO (log scale; rows without a bar missed none)",
    series: [{ name: "missed SLO" }],
    rows: rows.map((r) => ({
      label: label(r),
      values: [1 - num(r.slo_attainment)],
      mark: 1 - num(r.sla_target),
      note: fmtAttainment(num(r.slo_attainment)),
    })),
    log: true,
    fmt: fmtShare,
    markName: "allowed by the SLA",
  });
  const bounded = (c: string) => rows.some((r) => Number.isFinite(num(r[c])));
  /** p50 and p99 of one latency per row, its SLO bound marked: `key` names the columns (ttft_p50_s ...). */
  const latency = (title: string, name: string, key: string, unit: string) =>
    hbarChart({
      title,
      xLabel: `${name} (${unit})`,
      series: [{ name: `${name} p50` }, { name: `${name} p99` }],
      rows: rows.map((r) => ({
        label: label(r),
        values: [num(r[`${key}_p50_${unit}`]), num(r[`${key}_p99_${unit}`])],
        mark: num(r[`slo_${key}_${unit}`]),
      })),
      markName: "SLO",
    });
  const ttft = latency("Time to first token", "TTFT", "ttft", "s");
  const tpot = latency("Time per output token", "TPOT", "tpot", "ms");
  const charts =
    misses +
    legend([{ name: "missed SLO" }], sla ? markLegend("most the SLA allows (1 − target)") : "") +
    ttft +
    legend(
      [{ name: "TTFT p50" }, { name: "TTFT p99" }],
      bounded("slo_ttft_s") ? markLegend("SLO bound") : "",
    ) +
    tpot +
    legend(
      [{ name: "TPOT p50" }, { name: "TPOT p99" }],
      bounded("slo_tpot_ms") ? markLegend("SLO bound") : "",
    );
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
    {
      head: "SLO attainment",
      cell: (r) =>
        num(r.slo_attainment) === 1 ? "100 %" : fmtAttainment(num(r.slo_attainment)).replace(" met", ""),
      numeric: true,
    },
    { head: "TTFT p50 (s)", cell: s("ttft_p50_s"), numeric: true },
    { head: "TTFT p99 (s)", cell: s("ttft_p99_s"), numeric: true },
    { head: "TPOT p50 (ms)", cell: s("tpot_p50_ms"), numeric: true },
    { head: "TPOT p99 (ms)", cell: s("tpot_p99_ms"), numeric: true },
    { head: "billed", cell: (r) => fmtUsd(num(r.billed_usd)), numeric: true },
  ]);
  const body = rows.length > 0 ? charts : "<p>No tenant sent requests.</p>";
  return section("Tenants: SLO attainment and latency", body + tbl);
}
