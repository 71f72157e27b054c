/** The headline figures a comparison reports, read from a run's Summary. */
import { fromMicro } from "../billing/money.js";
import type { Summary } from "../billing/summary.js";
import { PERCENTILES } from "../metrics/latency-percentiles.js";

export type FigureUnit = "usd" | "fraction" | "index" | "seconds" | "ms" | "count";

export interface Figure {
  /** Column-style id, as in summary.csv. */
  id: string;
  label: string;
  unit: FigureUnit;
  of(s: Summary): number | null;
}

export const FIGURES: readonly Figure[] = [
  { id: "revenue_usd", label: "revenue", unit: "usd", of: (s) => fromMicro(s.revenue) },
  { id: "cost_usd", label: "infrastructure cost", unit: "usd", of: (s) => fromMicro(s.cost) },
  { id: "margin_usd", label: "margin", unit: "usd", of: (s) => fromMicro(s.margin) },
  { id: "margin_pct", label: "margin %", unit: "fraction", of: (s) => s.marginPct },
  { id: "utilization", label: "utilization", unit: "fraction", of: (s) => s.utilization },
  { id: "slo_attainment", label: "SLO attainment", unit: "fraction", of: (s) => s.sloAttainment },
  { id: "revenue_hhi", label: "revenue HHI (by owner)", unit: "index", of: (s) => s.revenueHhi },
  { id: "jain_fairness", label: "Jain fairness (SLO by tenant)", unit: "index", of: (s) => s.jainFairness },
  { id: "busy_fraction", label: "busy fraction", unit: "fraction", of: (s) => s.busyFraction },
  {
    id: "compute_utilization",
    label: "compute utilization (MFU)",
    unit: "fraction",
    of: (s) => s.computeUtilization,
  },
  {
    id: "goodput_output_tokens",
    label: "goodput (output tokens)",
    unit: "count",
    of: (s) => s.goodputOutputTokens,
  },
  ...latencyFigures(),
];

/** p50, p90 and p99 of TTFT, TPOT and end-to-end time over every request of a run. */
function latencyFigures(): Figure[] {
  const kinds = [
    { key: "ttft", label: "TTFT", unit: "seconds", scale: 1, of: (s: Summary) => s.latency.ttftS },
    { key: "tpot", label: "TPOT", unit: "ms", scale: 1000, of: (s: Summary) => s.latency.tpotS },
    { key: "e2e", label: "end-to-end", unit: "seconds", scale: 1, of: (s: Summary) => s.latency.e2eS },
  ] as const;
  return kinds.flatMap((k) =>
    PERCENTILES.map((q, i): Figure => {
      const p = `p${Math.round(q * 100)}`;
      return {
        id: `${k.key}_${p}_${k.unit === "ms" ? "ms" : "s"}`,
        label: `${k.label} ${p}`,
        unit: k.unit,
        of: (s) => {
          const v = k.of(s)[i];
          return v === null ? null : v * k.scale;
        },
      };
    }),
  );
}
