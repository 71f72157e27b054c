/**
 * What every engine (request, fluid) works out before its first step: the workloads in order with
 * their source contexts (seed, load multipliers from the timeline), their expected demand, the
 * replica groups sized for the context those workloads bring, and the route classes.
 */
import { checkMoney, checkScale } from "../scenario/scale.js";
import type { Scenario, TenantSpec, WorkloadSpec } from "../scenario/types.js";
import { estimateWorkload, type WorkloadEstimate } from "../workload/create-source.js";
import type { LoadMultiplier, SourceContext } from "../workload/source.js";
import { buildRoutes, type Routes } from "./routes.js";
import { buildTopology, type Topology } from "./topology.js";

export interface PlannedWorkload {
  t: TenantSpec;
  w: WorkloadSpec;
  /** Context of the workload's random streams and load multipliers. */
  ctx: SourceContext;
}

export interface RunPlan {
  /** Every tenant's workloads in scenario order (the flat workload index of the engines). */
  flat: PlannedWorkload[];
  estimates: WorkloadEstimate[];
  topology: Topology;
  routes: Routes;
}

/** Every tenant's workloads in scenario order, each with the context of its streams and loads. */
export function workloadContexts(s: Scenario): PlannedWorkload[] {
  const multipliers = tenantMultipliers(s);
  return s.tenants.flatMap((t) =>
    t.workloads.map((w) => ({
      t,
      w,
      ctx: {
        seed: s.seed,
        tenantId: t.id,
        startMs: s.startMs,
        horizon: s.horizon,
        multipliers: multipliers.get(t.id) ?? [],
      },
    })),
  );
}

/**
 * The plan of a run. `known` estimates (plain data) skip working them out again: a worker thread
 * running parts of a scenario gets them from the thread that planned it, since exact token means
 * and trace counts can take seconds for a thousand workloads.
 */
export async function planRun(s: Scenario, known?: WorkloadEstimate[]): Promise<RunPlan> {
  const flat = workloadContexts(s);
  const estimates = known ?? (await Promise.all(flat.map(({ w, ctx }) => estimateWorkload(w, ctx))));
  checkMoney(s, estimates); // money past exact micro-dollars, or demand past any bound (issue #25)
  const topology = buildTopology(s, contextByModel(flat, estimates));
  // Memory and fluid-work bounds, before any replica or time series is built (issue #25).
  checkScale(s, { groups: topology.groups, replicaCount: topology.replicaCount, estimates });
  return { flat, estimates, topology, routes: buildRoutes(s, topology) };
}

/** tenant_shift and demand_change events as cumulative load multipliers per tenant. */
export function tenantMultipliers(s: Scenario): Map<string, LoadMultiplier[]> {
  const out = new Map<string, LoadMultiplier[]>();
  for (const e of s.events) {
    if (e.type !== "tenant_shift" && e.type !== "demand_change") continue;
    const factor = e.type === "tenant_shift" ? 1 - e.fraction : e.factor;
    const list = out.get(e.tenant) ?? [];
    list.push({ at: e.at, factor });
    out.set(e.tenant, list);
  }
  return out;
}

/** Request-weighted mean context (prompt + output) of the workloads that ask for each model. */
export function contextByModel(
  flat: Array<{ w: { model: string; fallback: string[] } }>,
  est: WorkloadEstimate[],
): Map<string, number> {
  const sum = new Map<string, { tokens: number; weight: number }>();
  flat.forEach(({ w }, i) => {
    const e = est[i];
    const weight = Math.max(e.expectedRequests, 1e-9);
    for (const m of [w.model, ...w.fallback]) {
      const acc = sum.get(m) ?? { tokens: 0, weight: 0 };
      acc.tokens += (e.meanPromptTokens + e.meanOutputTokens) * weight;
      acc.weight += weight;
      sum.set(m, acc);
    }
  });
  const out = new Map<string, number>();
  for (const [m, { tokens, weight }] of sum) out.set(m, tokens / weight);
  return out;
}
