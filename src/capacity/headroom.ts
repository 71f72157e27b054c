/**
 * Headroom per replica group (pool x model): how much more of the same mix the group's replicas
 * could take at its busiest report interval before the SLO breaks. An ESTIMATE from the operating
 * point of the service model (fleet/operating-point.ts, the fluid mode's): the per-replica request
 * rate at which the MEAN time to first token (prefill wait + prefill) or the mean time per output
 * token reaches the strictest SLO of the workloads that request the model. Tails break earlier:
 * at that load roughly half the requests miss, so read it as an upper bound on usable headroom and
 * confirm a sized fleet with a run. Also the saturation headroom: the rate at which the replicas
 * can no longer keep up at all.
 */
import type { RunResult } from "../contract/run-result.js";
import { emptyOperatingPoint, fullRequestsPerS, solveOperatingPoint } from "../fleet/operating-point.js";
import type { ServiceCurve } from "../fleet/service-model.js";
import type { GroupIntervalUse, GroupMix } from "./capacity-use.js";

export interface GroupHeadroom {
  group: number;
  /** Busiest report interval by requests completed per replica-second, and its figures. */
  peakInterval: number;
  /** Mean replicas available in that interval. */
  peakReplicas: number;
  /** Requests/s the group completed in that interval. */
  peakRequestsPerS: number;
  /** Strictest SLO of the workloads requesting the model (Infinity: none). */
  sloTtftS: number;
  sloTpotS: number;
  /** Requests/s the peak's replicas could take with mean TTFT and TPOT within the SLO (estimate). */
  maxRequestsPerSWithinSlo: number;
  /** Requests/s at which they saturate. */
  saturatedRequestsPerS: number;
}

/** Bisection steps on the per-replica rate: 2^-40 of the saturated rate. */
const STEPS = 40;

export function groupHeadroom(run: RunResult, use: GroupIntervalUse[], mixes: GroupMix[]): GroupHeadroom[] {
  const { grid, topology, scenario: s } = run;
  const out: GroupHeadroom[] = [];
  for (const g of topology.groups) {
    let peak = -1;
    let peakRate = -1;
    for (let k = 0; k < run.intervals; k++) {
      const u = use[grid.at(k, g.index)];
      if (u.availableReplicaSeconds <= 0) continue;
      const rate = u.completedRequests / u.availableReplicaSeconds;
      if (rate > peakRate) {
        peakRate = rate;
        peak = k;
      }
    }
    if (peak < 0) continue;
    const span = Math.min(s.reportInterval, s.horizon - peak * s.reportInterval);
    const replicas = grid.available[grid.at(peak, g.index)] / span;
    const { promptTokens: P, outputTokens: O } = mixes[g.index];
    const slo = strictestSlo(run, g.modelIndex);
    const saturated = fullRequestsPerS(g.curve, P, O);
    const lo = maxPerReplicaRateWithinSlo(g.curve, P, O, Math.max(1, Math.round(replicas)), slo);
    out.push({
      group: g.index,
      peakInterval: peak,
      peakReplicas: replicas,
      peakRequestsPerS: peakRate * replicas,
      sloTtftS: slo.ttftS,
      sloTpotS: slo.tpotS,
      maxRequestsPerSWithinSlo: lo * replicas,
      saturatedRequestsPerS: saturated * replicas,
    });
  }
  return out;
}

/**
 * The request rate per replica (of `replicas` sharing the load) at which the mean TTFT (prefill
 * wait + prefill) or the TPOT of the operating point reaches `slo` (seconds), or the replicas
 * saturate; bisection to 2^-40 of the saturated rate. The planner's screen reads it too.
 */
export function maxPerReplicaRateWithinSlo(
  curve: ServiceCurve,
  P: number,
  O: number,
  replicas: number,
  slo: { ttftS: number; tpotS: number },
): number {
  const saturated = fullRequestsPerS(curve, P, O);
  const op = emptyOperatingPoint();
  const meets = (lambda: number) => {
    solveOperatingPoint(curve, lambda, P, O, replicas, op);
    const ttft = op.prefillWaitS + P / curve.prefillTokensPerS;
    return !op.saturated && ttft <= slo.ttftS && op.tpotS <= slo.tpotS;
  };
  let lo = 0;
  let hi = saturated;
  if (meets(hi * (1 - 1e-9))) return hi;
  for (let k = 0; k < STEPS; k++) {
    const mid = (lo + hi) / 2;
    if (meets(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

function strictestSlo(run: RunResult, model: number): { ttftS: number; tpotS: number } {
  let ttftS = Number.POSITIVE_INFINITY;
  let tpotS = Number.POSITIVE_INFINITY;
  for (const w of run.routes.workloads) {
    if (run.stats[run.statOfWorkload[w.index]]?.modelIndex !== model || w.spec.slo === null) continue;
    ttftS = Math.min(ttftS, w.spec.slo.ttftS);
    tpotS = Math.min(tpotS, w.spec.slo.tpotMs / 1000);
  }
  return { ttftS, tpotS };
}
