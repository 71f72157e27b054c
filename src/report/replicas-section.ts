/**
 * Replicas per model over time (autoscaling): the replicas_<model> columns of timeseries.csv,
 * added up over pools, one line per model. Shown only when the run's replica counts moved
 * (a run whose split never changes has nothing to draw) or the autoscaler loaded any replica.
 */
import { buckets } from "./buckets.js";
import { fmtNumber, num } from "./format.js";
import { hint, section } from "./layout.js";
import { horizonMs, type RunTables } from "./read-run.js";
import { pivot } from "./series.js";
import { legend, lineChart, type Series } from "./svg.js";

const PREFIX = "replicas_";

export function replicasSection(t: RunTables): string {
  const first = t.timeseries[0];
  if (!first) return "";
  const models = Object.keys(first).filter((c) => c.startsWith(PREFIX));
  const p = pivot(t.timeseries, "pool");
  const b = buckets(p.times, horizonMs(t));
  const series: Series[] = models.map((c) => {
    const total = p.times.map(() => 0);
    for (const pool of p.keys) {
      p.value(pool, c).forEach((v, k) => {
        if (Number.isFinite(v)) total[k] += v;
      });
    }
    const values = b.aggregated ? b.reduce(total, "mean") : total;
    return { name: c.slice(PREFIX.length), values };
  });
  const loads = num(t.summary.replica_loads);
  const moved = series.some((s) => s.values.some((v) => Math.abs(v - s.values[0]) > 1e-9));
  if (!moved && !(loads > 0)) return "";
  const chart = lineChart({
    title: "Replicas per model",
    yLabel: "replicas (mean over the interval)",
    times: b.times,
    width: b.width,
    ends: b.ends,
    series,
  });
  const note = hint(
    `Replicas present (serving or draining), added up over pools. The autoscaler began ${fmtNumber(loads)} loads, ${fmtNumber(num(t.summary.replica_switches))} of them switches between models (scaling.csv).`,
  );
  return section("Replicas per model", chart + legend(series) + note);
}
