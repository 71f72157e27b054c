/**
 * What a predictive autoscaler knows ahead of time: each workload's rate profile (base rate,
 * diurnal shape, growth) and the load multipliers in effect now (tenant shifts and demand changes
 * already happened, never future ones). Trace workloads count at their mean rate over the run.
 * And what a replica sustains: its saturated request rate at the model's mean prompt and output.
 */
import type { RunPlan } from "../contract/plan.js";
import { saturatedOutputTokensPerS } from "../fleet/saturated-throughput.js";
import type { Scenario } from "../scenario/types.js";
import { MultiplierSchedule } from "../workload/multiplier-schedule.js";
import { onFraction, RateProfile } from "../workload/rate-profile.js";

interface Demand {
  model: number;
  rate: (t: number, now: number) => number;
}

export class DemandForecast {
  private readonly demand: Demand[];
  /** Per group: requests/s one replica sustains saturated. */
  readonly replicaRate: Float64Array;
  /** Per model: tightest p99 TTFT target of the workloads asking for it (Infinity: none). */
  readonly ttftTarget: Float64Array;

  constructor(s: Scenario, plan: RunPlan) {
    const { routes, estimates, topology } = plan;
    const modelOf = (w: number) => routes.classes[routes.workloads[w].chain[0]].modelIndex;
    this.demand = plan.flat.map(({ w, ctx }, i) => {
      const a = w.arrival;
      const schedule = new MultiplierSchedule(ctx.multipliers);
      if (a.process === "trace") {
        const mean = estimates[i].expectedRequests / s.horizon;
        return { model: modelOf(i), rate: (_t: number, now: number) => mean * schedule.factorAt(now) };
      }
      const profile = new RateProfile(a, s.startMs);
      const on = onFraction(a);
      return {
        model: modelOf(i),
        rate: (t: number, now: number) => on * profile.rate(t) * schedule.factorAt(now),
      };
    });
    const M = s.models.length;
    const reqs = new Float64Array(M);
    const prompt = new Float64Array(M);
    const output = new Float64Array(M);
    this.ttftTarget = new Float64Array(M).fill(Number.POSITIVE_INFINITY);
    plan.flat.forEach(({ w }, i) => {
      const m = modelOf(i);
      const e = estimates[i];
      reqs[m] += e.expectedRequests;
      prompt[m] += e.expectedRequests * e.meanPromptTokens;
      output[m] += e.expectedRequests * e.meanOutputTokens;
      if (w.slo) this.ttftTarget[m] = Math.min(this.ttftTarget[m], w.slo.ttftS);
    });
    this.replicaRate = Float64Array.from(
      topology.groups.map((g) => {
        const m = g.modelIndex;
        const p = reqs[m] > 0 ? prompt[m] / reqs[m] : 1024;
        const o = reqs[m] > 0 ? Math.max(1, output[m] / reqs[m]) : 256;
        return saturatedOutputTokensPerS(g.curve, p, o) / o;
      }),
    );
  }

  /** Requests/s model m is expected to receive at time t, as known at `now`. */
  rate(m: number, t: number, now: number): number {
    let sum = 0;
    for (const d of this.demand) if (d.model === m) sum += d.rate(t, now);
    return sum;
  }
}
