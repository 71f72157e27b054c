/**
 * Confirmation of a candidate fleet request by request: one run per seed, and per target (tenant x
 * requested model) the p99 TTFT, p99 TPOT and SLO attainment of each run. A target is met when it
 * is met in EVERY seed's run; the means and their 95 % Student-t intervals are what plan.csv shows.
 */
import { computeFinancials } from "../billing/financials.js";
import { summarize } from "../billing/summary.js";
import { type MeanInterval, meanInterval } from "../compare/confidence.js";
import { simulate } from "../run/simulate.js";
import type { PlanTarget, Scenario } from "../scenario/types.js";

export interface TargetResult {
  target: PlanTarget;
  ttftP99S: MeanInterval | null;
  tpotP99Ms: MeanInterval | null;
  attainment: MeanInterval | null;
  /** The first target missed in some seed, in words; null when every seed met every target. */
  missed: string | null;
}

export interface FleetResult {
  costUsd: MeanInterval;
  marginUsd: MeanInterval;
  targets: TargetResult[];
  runs: number;
}

export interface ConfirmOptions {
  seeds: number[];
  workers?: number;
  shouldStop?: () => boolean;
  /** Called after each run. */
  onRun?: () => void;
}

export async function confirmFleet(
  s: Scenario,
  targets: readonly PlanTarget[],
  opts: ConfirmOptions,
): Promise<FleetResult> {
  const per = targets.map(() => ({
    ttft: [] as number[],
    tpot: [] as number[],
    att: [] as number[],
    missed: null as string | null,
  }));
  const cost: number[] = [];
  const margin: number[] = [];
  for (const seed of opts.seeds) {
    const run = await simulate(
      { ...s, seed, fidelity: "request" },
      { workers: opts.workers ?? 1, shouldStop: opts.shouldStop },
    );
    const summary = summarize(run, computeFinancials(run));
    cost.push(summary.cost / 1e6);
    margin.push(summary.margin / 1e6);
    targets.forEach((t, i) => {
      const ti = s.tenants.findIndex((x) => x.id === t.tenant);
      const mi = s.models.findIndex((x) => x.id === t.model);
      const st = run.stats.find((x) => x.tenantIndex === ti && x.modelIndex === mi);
      const p = per[i];
      const ttft = st?.ttftS.quantile(0.99) ?? null;
      const tpot = st?.tpotS.quantile(0.99) ?? null;
      const att = st && st.requests > 0 ? st.sloMet / st.requests : null;
      if (ttft !== null) p.ttft.push(ttft);
      if (tpot !== null) p.tpot.push(tpot * 1000);
      if (att !== null) p.att.push(att);
      if (p.missed !== null || !st || st.requests === 0) return;
      if (t.ttftP99S !== null && (ttft === null || ttft > t.ttftP99S)) {
        p.missed = `p99 TTFT ${fmt(ttft)} s > ${t.ttftP99S} s (seed ${seed})`;
      } else if (t.tpotP99Ms !== null && (tpot === null || tpot * 1000 > t.tpotP99Ms)) {
        p.missed = `p99 TPOT ${fmt(tpot === null ? null : tpot * 1000)} ms > ${t.tpotP99Ms} ms (seed ${seed})`;
      } else if (t.attainment !== null && att !== null && att < t.attainment) {
        p.missed = `attainment ${att.toFixed(4)} < ${t.attainment} (seed ${seed})`;
      }
    });
    opts.onRun?.();
  }
  return {
    costUsd: meanInterval(cost) as MeanInterval,
    marginUsd: meanInterval(margin) as MeanInterval,
    targets: targets.map((target, i) => ({
      target,
      ttftP99S: meanInterval(per[i].ttft),
      tpotP99Ms: meanInterval(per[i].tpot),
      attainment: meanInterval(per[i].att),
      missed: per[i].missed,
    })),
    runs: opts.seeds.length,
  };
}

function fmt(v: number | null): string {
  return v === null ? "none" : v.toPrecision(4);
}
