/** The report of a run folder: its headline figures, then utilisation, cost, revenue and tenants. */

import { costSection, revenueSection, tenantSection, utilisationSection } from "./charts.js";
import { esc } from "./escape.js";
import { fmtNumber, fmtPct, fmtUsd, num } from "./format.js";
import { figures, page } from "./layout.js";
import type { RunTables } from "./read-run.js";
import { replicasSection } from "./replicas-section.js";

function summaryBlock(t: RunTables): string {
  const s = t.summary;
  const n = (c: string) => num(s[c]);
  const items: [string, string][] = [
    ["requests", fmtNumber(n("requests"), 0)],
    ["completed", fmtNumber(n("completed"), 0)],
    ["rejected", rejectedText(n("rejected"), s.rejected_too_long ? n("rejected_too_long") : 0)],
    ["in flight at horizon", fmtNumber(n("in_flight"), 0)],
    ["revenue", fmtUsd(n("revenue_usd"))],
    ["owner share", fmtUsd(n("owner_share_usd"))],
    ["infrastructure cost", fmtUsd(n("cost_usd"))],
    ["margin", fmtUsd(n("margin_usd"))],
    ["margin %", fmtPct(n("margin_pct"))],
    ["utilisation (of saturated throughput)", fmtPct(n("utilization"))],
    ["busy fraction", fmtPct(n("busy_fraction"))],
    ["compute utilisation (MFU)", fmtPct(n("compute_utilization"))],
    ["KV memory in use", fmtPct(n("kv_utilization"))],
    ...servingItems(n, (c) => s[c] !== undefined && s[c] !== ""),
    ["SLO attainment", fmtPct(n("slo_attainment"))],
    ["TTFT p50 / p99", `${fmtSeconds(n("ttft_p50_s"))} / ${fmtSeconds(n("ttft_p99_s"))}`],
    ["TPOT p50 / p99", `${fmtMs(n("tpot_p50_ms"))} / ${fmtMs(n("tpot_p99_ms"))}`],
    ["end-to-end p50 / p99", `${fmtSeconds(n("e2e_p50_s"))} / ${fmtSeconds(n("e2e_p99_s"))}`],
    ["Jain fairness", Number.isFinite(n("jain_fairness")) ? n("jain_fairness").toFixed(4) : "–"],
  ];
  const h = n("horizon_s");
  const horizon = h < 3600 ? `${fmtNumber(h / 60, h % 60 === 0 ? 0 : 1)} min` : `${fmtNumber(h / 3600, 2)} h`;
  return (
    `<h1>fleetsim report: ${esc(s.scenario ?? "")}</h1>` +
    `<p class="sub">seed ${esc(s.seed ?? "")}, horizon ${esc(horizon)}, from ${esc(t.dir)}</p>` +
    figures(items)
  );
}

/** Rejections, and of them those too long for every model of their chain (folders that have the column). */
function rejectedText(rejected: number, tooLong: number): string {
  return fmtNumber(rejected, 0) + (tooLong > 0 ? ` (${fmtNumber(tooLong, 0)} too long for the model)` : "");
}

/**
 * KV preemptions (and how many swapped) and the prefix cache's hit rate, for run folders that
 * have the columns (older ones do not; a run without prefixes shows no hit rate).
 */
function servingItems(n: (c: string) => number, has: (c: string) => boolean): [string, string][] {
  const items: [string, string][] = [];
  if (has("kv_preemptions")) {
    const swaps = has("kv_swaps") ? n("kv_swaps") : 0;
    items.push([
      "KV preemptions",
      fmtNumber(n("kv_preemptions"), 0) + (swaps > 0 ? ` (${fmtNumber(swaps, 0)} swapped to host)` : ""),
    ]);
  }
  if (has("cached_input_tokens") && n("cached_input_tokens") > 0) {
    items.push(["prefix cache hits (of prompt tokens)", fmtPct(n("prefix_hit_rate"))]);
  }
  return items;
}

const fmtSeconds = (v: number) => (Number.isFinite(v) ? `${v.toFixed(3)} s` : "–");
const fmtMs = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "–");

export function buildReport(t: RunTables): string {
  return page(
    `fleetsim report: ${t.summary.scenario ?? ""}`,
    summaryBlock(t) +
      utilisationSection(t) +
      replicasSection(t) +
      costSection(t) +
      revenueSection(t) +
      tenantSection(t),
  );
}
