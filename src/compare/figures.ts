/** The headline figures a comparison reports, read from a run's Summary. */
import { fromMicro } from "../billing/money.js";
import type { Summary } from "../billing/summary.js";

export type FigureUnit = "usd" | "fraction" | "index";

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
];
