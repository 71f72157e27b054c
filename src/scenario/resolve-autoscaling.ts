/**
 * The `autoscaling:` section and the pools' `scaling:`: ids checked, defaults filled. A policy's
 * models must each be served (a `serves` entry, nodes may be 0) by a pool it may place them in;
 * a pool the autoscaler manages takes no `fleet.changes` (the two would fight over its nodes).
 */
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import type { RawScenario } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { AutoscalingSpec, FleetChange, PoolScaling, PoolSpec, ScalingRule } from "./types.js";

type RawAutoscaling = NonNullable<RawScenario["autoscaling"]>;
type RawPolicy = RawAutoscaling["policies"][number];

export interface AutoscalingContext {
  problems: ProblemList;
  models: ModelRegistry;
  pools: PoolSpec[];
  changes: FleetChange[];
  fidelity: RawScenario["fidelity"];
}

export function resolvePoolScaling(
  raw: RawScenario["fleet"]["pools"][number],
  index: number,
  problems: ProblemList,
): PoolScaling | null {
  const sc = raw.scaling;
  if (sc === null) return null;
  const path = ["fleet", "pools", index, "scaling"];
  const minNodes = sc.min_nodes ?? raw.nodes;
  if (minNodes > raw.nodes) {
    problems.add(
      [...path, "min_nodes"],
      `min_nodes (${minNodes}) must not exceed the pool's nodes (${raw.nodes})`,
    );
  }
  if (sc.max_nodes < raw.nodes) {
    problems.add(
      [...path, "max_nodes"],
      `max_nodes (${sc.max_nodes}) must not be below the pool's nodes (${raw.nodes})`,
    );
  }
  return {
    minNodes,
    maxNodes: sc.max_nodes,
    delayMedian: sc.provisioning_delay,
    delayCv: sc.provisioning_cv,
    releaseAfter: sc.release_after,
    spot: sc.spot
      ? {
          maxNodes: sc.spot.max_nodes,
          reclaimPerHour: sc.spot.reclaim_per_hour,
          notice: sc.spot.notice,
          discount: sc.spot.discount,
        }
      : null,
  };
}

export function resolveAutoscaling(
  raw: RawAutoscaling | null,
  ctx: AutoscalingContext,
): AutoscalingSpec | null {
  const { problems } = ctx;
  const scaled = ctx.pools.filter((p) => p.scaling);
  if (raw === null) {
    for (const p of scaled) {
      const i = ctx.pools.indexOf(p);
      problems.add(
        ["fleet", "pools", i, "scaling"],
        "needs an autoscaling: section whose policies place replicas in this pool",
      );
    }
    return null;
  }
  if (ctx.fidelity === "hybrid") {
    problems.add(["autoscaling"], "autoscaling runs with fidelity request or fluid, got hybrid");
  }
  const poolById = new Map(ctx.pools.map((p) => [p.id, p]));
  const policyOfModel = new Map<string, number>();
  const managed = new Set<string>();
  const policies = raw.policies.map((p, i) => {
    const path = ["autoscaling", "policies", i];
    p.models.forEach((m, j) => {
      if (!ctx.models.ref([...path, "models", j], m)) return;
      const first = policyOfModel.get(m);
      if (first !== undefined) {
        problems.add([...path, "models", j], `model "${m}" is already scaled by policy ${first}`);
      } else policyOfModel.set(m, i);
    });
    const pools = resolvePolicyPools(p, path, ctx, poolById);
    for (const id of pools) managed.add(id);
    if (
      ctx.fidelity === "fluid" &&
      p.reactive &&
      (p.reactive.metric === "kv" || p.reactive.metric === "ttft")
    ) {
      problems.add(
        [...path, "reactive", "metric"],
        `metric ${p.reactive.metric} needs fidelity request: the fluid mode follows neither KV memory nor latency percentiles (use utilization, queue or busy)`,
      );
    }
    return {
      models: p.models,
      pools,
      minReplicas: p.min_replicas,
      maxReplicas: p.max_replicas,
      cooldown: p.cooldown,
      rule: ruleOf(p),
    };
  });
  ctx.changes.forEach((c) => {
    if (managed.has(c.pool)) {
      const i = ctx.changes.indexOf(c);
      problems.add(
        ["fleet", "changes", i, "pool"],
        `pool "${c.pool}" is managed by the autoscaler and takes no fleet.changes`,
      );
    }
  });
  ctx.pools.forEach((p, i) => {
    if (p.scaling && !managed.has(p.id)) {
      problems.add(
        ["fleet", "pools", i, "scaling"],
        `no autoscaling policy places replicas in pool "${p.id}"`,
      );
    }
  });
  return { interval: raw.interval, onSwitch: raw.on_switch, policies };
}

function resolvePolicyPools(
  p: RawPolicy,
  path: Array<string | number>,
  ctx: AutoscalingContext,
  poolById: Map<string, PoolSpec>,
): string[] {
  const serving = (pool: PoolSpec, model: string) => pool.serves.some((s) => s.model === model);
  if (p.pools === undefined) {
    const pools = ctx.pools.filter((pool) => p.models.some((m) => serving(pool, m))).map((pool) => pool.id);
    p.models.forEach((m, j) => {
      if (!ctx.pools.some((pool) => serving(pool, m))) {
        ctx.problems.add(
          [...path, "models", j],
          `no pool serves model "${m}": list it in a pool's serves (nodes: 0 lets the autoscaler start it)`,
        );
      }
    });
    return pools;
  }
  const pools: string[] = [];
  p.pools.forEach((id, j) => {
    const pool = poolById.get(id);
    if (!pool) {
      ctx.problems.add([...path, "pools", j], `unknown pool "${id}"${didYouMean(id, poolById.keys())}`);
      return;
    }
    pools.push(id);
  });
  p.models.forEach((m, j) => {
    if (!pools.some((id) => serving(poolById.get(id)!, m))) {
      ctx.problems.add(
        [...path, "models", j],
        `none of the policy's pools (${pools.join(", ") || "none"}) serves model "${m}": list it in their serves (nodes: 0 lets the autoscaler start it)`,
      );
    }
  });
  return pools;
}

function ruleOf(p: RawPolicy): ScalingRule {
  if (p.reactive) {
    return {
      kind: "reactive",
      metric: p.reactive.metric,
      up: p.reactive.scale_up_above,
      down: p.reactive.scale_down_below,
    };
  }
  if (p.scheduled) {
    const table = p.scheduled
      .map((e) => {
        const [h, m] = e.from.split(":").map(Number);
        return { at: h * 3600 + m * 60, replicas: e.replicas };
      })
      .sort((a, b) => a.at - b.at);
    return { kind: "scheduled", table };
  }
  const pr = p.predictive!;
  return { kind: "predictive", utilization: pr.target_utilization, lead: pr.lead ?? null };
}
