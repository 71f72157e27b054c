/** The whole report: one self-contained HTML page (inline CSS and SVG, nothing fetched). */
import { costSection, revenueSection, tenantSection, utilisationSection } from "./charts.js";
import { esc } from "./escape.js";
import { fmtNumber, fmtPct, fmtUsd, num } from "./format.js";
import type { RunTables } from "./read-run.js";

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:960px;color:#111;padding:0 12px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.sub{color:#555;margin:0 0 12px}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:8px}
.figures div{border:1px solid #ddd;border-radius:4px;padding:6px 10px}
.figures dt{color:#555;font-size:12px}.figures dd{margin:0;font-size:18px;font-weight:600}
svg{width:100%;height:auto;display:block}
.tick{font-size:11px;fill:#333}.axis-label{font-size:12px;fill:#111}
.grid{stroke:#e4e4e4}.axis{stroke:#666}
.legend{list-style:none;padding:0;margin:4px 0 12px;display:flex;flex-wrap:wrap;gap:4px 16px}
.legend li{display:flex;align-items:center;gap:6px}.legend svg{width:28px;display:inline}
table{border-collapse:collapse;width:100%;font-size:12px;margin:8px 0}
th,td{border-bottom:1px solid #e4e4e4;padding:3px 6px;text-align:left}th{background:#f4f4f4}
.num{text-align:right;font-variant-numeric:tabular-nums}
`;

function summaryBlock(t: RunTables): string {
  const s = t.summary;
  const n = (c: string) => num(s[c]);
  const figures: [string, string][] = [
    ["requests", fmtNumber(n("requests"), 0)],
    ["completed", fmtNumber(n("completed"), 0)],
    ["rejected", fmtNumber(n("rejected"), 0)],
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
    ["SLO attainment", fmtPct(n("slo_attainment"))],
    ["TTFT p50 / p99", `${fmtSeconds(n("ttft_p50_s"))} / ${fmtSeconds(n("ttft_p99_s"))}`],
    ["TPOT p50 / p99", `${fmtMs(n("tpot_p50_ms"))} / ${fmtMs(n("tpot_p99_ms"))}`],
    ["end-to-end p50 / p99", `${fmtSeconds(n("e2e_p50_s"))} / ${fmtSeconds(n("e2e_p99_s"))}`],
    ["Jain fairness", Number.isFinite(n("jain_fairness")) ? n("jain_fairness").toFixed(4) : "–"],
  ];
  const items = figures.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join("");
  const hours = fmtNumber(n("horizon_s") / 3600, 2);
  return (
    `<h1>fleetsim report: ${esc(s.scenario ?? "")}</h1>` +
    `<p class="sub">seed ${esc(s.seed ?? "")}, horizon ${esc(hours)} h, from ${esc(t.dir)}</p>` +
    `<dl class="figures">${items}</dl>`
  );
}

const fmtSeconds = (v: number) => (Number.isFinite(v) ? `${v.toFixed(3)} s` : "–");
const fmtMs = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : "–");

export function buildReport(t: RunTables): string {
  return (
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>fleetsim report: ${esc(t.summary.scenario ?? "")}</title><style>${CSS}</style></head><body>` +
    summaryBlock(t) +
    utilisationSection(t) +
    costSection(t) +
    revenueSection(t) +
    tenantSection(t) +
    `</body></html>\n`
  );
}
