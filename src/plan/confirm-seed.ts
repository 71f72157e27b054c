/**
 * One seed's request-level run of a candidate fleet, as plain data (it crosses threads by
 * structured clone): its cost and margin, and per target the p99 TTFT, p99 TPOT and attainment.
 */
import { computeFinancials } from "../billing/financials.js";
import { summarize } from "../billing/summary.js";
import { simulate } from "../run/simulate.js";
import type { PlanTarget, Scenario } from "../scenario/types.js";

export interface SeedTarget {
  /** null: no request of the target finished (or none arrived). */
  ttftP99S: number | null;
  tpotP99S: number | null;
  attainment: number | null;
  requests: number;
  /** Of them, requests longer than every model of their chain could hold (rejected, whatever the fleet). */
  tooLong: number;
}

export interface SeedResult {
  costUsd: number;
  marginUsd: number;
  targets: SeedTarget[];
}

export async function runSeed(
  s: Scenario,
  seed: number,
  targets: readonly PlanTarget[],
  shouldStop?: () => boolean,
): Promise<SeedResult> {
  const run = await simulate({ ...s, seed, fidelity: "request" }, { workers: 1, shouldStop });
  const summary = summarize(run, computeFinancials(run));
  return {
    costUsd: summary.cost / 1e6,
    marginUsd: summary.margin / 1e6,
    targets: targets.map((t) => {
      const ti = s.tenants.findIndex((x) => x.id === t.tenant);
      const mi = s.models.findIndex((x) => x.id === t.model);
      const st = run.stats.find((x) => x.tenantIndex === ti && x.modelIndex === mi);
      return {
        ttftP99S: st?.ttftS.quantile(0.99) ?? null,
        tpotP99S: st?.tpotS.quantile(0.99) ?? null,
        attainment: st && st.requests > 0 ? st.sloMet / st.requests : null,
        requests: st?.requests ?? 0,
        tooLong: st?.rejectedTooLong ?? 0,
      };
    }),
  };
}
