/** The headline figures the sweep and compare pages draw, with how each one reads. */
import { type Fmt, fmtTick } from "./format.js";

export interface Figure {
  column: string;
  label: string;
  axis: string;
  /** Multiplier from the CSV's unit to the axis unit (fractions to %). */
  scale?: number;
  kind: "usd" | "pct" | "plain";
}

export const HEADLINE: Figure[] = [
  { column: "revenue_usd", label: "Revenue", axis: "revenue (USD)", kind: "usd" },
  { column: "cost_usd", label: "Infrastructure cost", axis: "cost (USD)", kind: "usd" },
  { column: "margin_usd", label: "Margin", axis: "margin (USD)", kind: "usd" },
  { column: "margin_pct", label: "Margin %", axis: "margin (%)", scale: 100, kind: "pct" },
  { column: "utilization", label: "Utilisation", axis: "utilisation (%)", scale: 100, kind: "pct" },
  { column: "slo_attainment", label: "SLO attainment", axis: "SLO attainment (%)", scale: 100, kind: "pct" },
  { column: "ttft_p99_s", label: "TTFT p99", axis: "TTFT p99 (s)", kind: "plain" },
  { column: "tpot_p99_ms", label: "TPOT p99", axis: "TPOT p99 (ms)", kind: "plain" },
  { column: "e2e_p99_s", label: "End-to-end p99", axis: "end-to-end p99 (s)", kind: "plain" },
  { column: "revenue_hhi", label: "Revenue HHI", axis: "HHI (by owner)", kind: "plain" },
  { column: "jain_fairness", label: "Jain fairness", axis: "Jain index", kind: "plain" },
];

/** Axis ticks and cells: enough significant digits to tell close values apart. */
export function figureFormat(f: Figure): Fmt {
  return (v, precision = 3) => {
    if (!Number.isFinite(v)) return "–";
    if (f.kind === "pct") return `${+v.toPrecision(precision + 2)} %`;
    if (f.kind === "usd") return `${v < 0 ? "−" : ""}$${fmtTick(Math.abs(v), precision)}`;
    return fmtTick(v, precision);
  };
}
