/**
 * The replica count a policy's rule asks for, from what it observes now. Reactive rules act like
 * a threshold autoscaler (KEDA on vLLM's num_requests_waiting or gpu_cache_usage_perc): above the
 * upper threshold they add replicas in proportion to the overshoot (at least one), below the lower
 * one they remove one; between, nothing. Scheduled rules read a table by time of day; predictive
 * ones size for the known rate `lead` seconds ahead at a target utilisation of each replica.
 */
import type { ReactiveMetric, ScalingRule } from "../scenario/types.js";
import type { ModelObservation } from "./observation.js";

export interface RuleContext {
  /** Replicas committed to the model (serving, loading, waiting). */
  committed: number;
  /** Seconds since midnight UTC now. */
  timeOfDay: number;
  /** Requests/s the model is expected to receive `lead` seconds ahead (predictive). */
  forecastRate: number;
  /** Requests/s one replica sustains when saturated (predictive). */
  replicaRate: number;
  /** The model's tightest p99 TTFT target, s (ttft metric; Infinity when none). */
  ttftTarget: number;
}

export interface RuleAnswer {
  /** Desired replicas (before min/max), or null to leave the count alone. */
  desired: number | null;
  reason: string;
}

export function desiredReplicas(rule: ScalingRule, obs: ModelObservation, ctx: RuleContext): RuleAnswer {
  if (rule.kind === "scheduled") {
    const t = rule.table;
    let row = t[t.length - 1]; // before the first entry of the day, the last one still applies
    for (const e of t) if (e.at <= ctx.timeOfDay) row = e;
    const hh = String(Math.floor(row.at / 3600)).padStart(2, "0");
    const mm = String(Math.floor((row.at % 3600) / 60)).padStart(2, "0");
    return { desired: row.replicas, reason: `schedule from ${hh}:${mm}: ${row.replicas}` };
  }
  if (rule.kind === "predictive") {
    const need = ctx.forecastRate / (ctx.replicaRate * rule.utilization);
    return {
      desired: Math.ceil(need - 1e-9),
      reason: `forecast ${fmt(ctx.forecastRate)} req/s / (${fmt(ctx.replicaRate)} req/s x ${rule.utilization})`,
    };
  }
  const v = metricValue(rule.metric, obs, ctx);
  if (Number.isNaN(v)) return { desired: null, reason: `${rule.metric} not observed` };
  if (v > rule.up) {
    // What the replicas in service ask for; replicas still loading or waiting count towards it
    // (a real autoscaler does not add again for load that capacity on its way will take).
    const desired = Math.max(obs.serving + 1, Math.ceil(obs.serving * (v / rule.up) - 1e-9));
    if (desired <= ctx.committed) {
      return {
        desired: null,
        reason: `${rule.metric} ${fmt(v)} > ${rule.up}, ${ctx.committed - obs.serving} on the way`,
      };
    }
    return { desired, reason: `${rule.metric} ${fmt(v)} > ${rule.up}` };
  }
  if (v < rule.down) return { desired: ctx.committed - 1, reason: `${rule.metric} ${fmt(v)} < ${rule.down}` };
  return { desired: null, reason: `${rule.metric} ${fmt(v)} within [${rule.down}, ${rule.up}]` };
}

/** The observed value a reactive metric compares with its thresholds (NaN when not observed). */
export function metricValue(metric: ReactiveMetric, obs: ModelObservation, ctx: RuleContext): number {
  switch (metric) {
    case "utilization":
      return obs.serving > 0 ? obs.completedPerS / (obs.serving * ctx.replicaRate) : Number.NaN;
    case "queue":
      return obs.queued / Math.max(1, obs.serving);
    case "kv":
      return obs.kvFraction;
    case "busy":
      return obs.busyFraction;
    case "ttft":
      return Number.isFinite(ctx.ttftTarget) ? obs.ttftP99 / ctx.ttftTarget : Number.NaN;
  }
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}
