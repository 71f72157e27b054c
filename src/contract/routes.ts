/**
 * Route classes: the set of replica groups a request may use, given its model, its workload's
 * region (data residency) and its tenant (reserved pools, capacity contracts). Workloads whose
 * eligible groups are the same share one class, and under shared_queue one FIFO queue (held by the
 * run's router: routes are planned once and shared by every run of the plan, so they hold no
 * run's state).
 */
import type { Scenario, TenantSpec, WorkloadSpec } from "../scenario/types.js";
import type { Topology } from "./topology.js";

export interface RouteClass {
  index: number;
  modelIndex: number;
  groups: number[];
  /** Total replica slots over the class's groups. */
  slots: number;
  /** Largest KV memory of a replica in the class: a request needing more cannot be served here. */
  maxKvBytes: number;
  /** The model's context length (Infinity: none): a longer request, prompt + output, is not served here. */
  maxTokens: number;
  /** The model's KV bytes per token of context. */
  kvBytesPerToken: number;
}

/**
 * Most tokens, prompt + output, a request may have to be served by the class: within the model's
 * context and, at kvBytesPerToken each, within the largest replica's KV memory.
 */
export function classTokenLimit(cls: RouteClass): number {
  const byKv =
    cls.kvBytesPerToken > 0 ? Math.floor(cls.maxKvBytes / cls.kvBytesPerToken) : Number.POSITIVE_INFINITY;
  return Math.min(cls.maxTokens, byKv);
}

/**
 * scheduler.model_routing at one position of a workload's route chain: the request goes first to
 * the class of one target (a share drawn per request, or by prompt length), and when that class
 * has no replica in service, to `rest[t]`: the model's other eligible groups.
 */
export interface ChainSplit {
  /** False: by shares; true: by prompt length. */
  byLength: boolean;
  /** Cumulative shares (shares), the last exactly 1. */
  cumulative: Float64Array;
  /** Prompts of more tokens go to target 1, the others to target 0 (by prompt length). */
  threshold: number;
  /** Route class per target, and the class of the model's groups outside it. */
  target: Int32Array;
  rest: Int32Array;
  /** The fraction of requests each target receives (shares; by length filled by the fluid mode). */
  shares: Float64Array;
}

export interface FlatWorkload {
  index: number;
  tenant: TenantSpec;
  tenantIndex: number;
  spec: WorkloadSpec;
  /** Route classes to try in order: the requested model, then each fallback. */
  chain: Int32Array;
  /** Per chain position: how model_routing splits it, or null (all the class's groups alike). */
  splits: Array<ChainSplit | null>;
}

export interface Routes {
  classes: RouteClass[];
  workloads: FlatWorkload[];
  /** Classes whose groups include group g (shared_queue pulls from these when g frees a slot). */
  classesByGroup: number[][];
}

export function eligible(
  group: { pool: { region: string; reservedFor: string | null }; modelIndex: number },
  modelIndex: number,
  tenant: TenantSpec,
  region: string | null,
): boolean {
  if (group.modelIndex !== modelIndex) return false;
  if (region !== null && group.pool.region !== region) return false;
  if (group.pool.reservedFor !== null) return group.pool.reservedFor === tenant.id;
  return tenant.contract.type !== "capacity";
}

export function buildRoutes(s: Scenario, topo: Topology): Routes {
  const modelIndex = new Map(s.models.map((m, i) => [m.id, i]));
  const classes: RouteClass[] = [];
  const byKey = new Map<string, number>();
  const classFor = (
    mi: number,
    tenant: TenantSpec,
    region: string | null,
    pools: ((pool: string) => boolean) | null = null,
  ): number => {
    const groups = topo.groupsByModel[mi].filter(
      (g) =>
        eligible(topo.groups[g], mi, tenant, region) && (pools === null || pools(topo.groups[g].pool.id)),
    );
    const key = `${mi}:${groups.join(",")}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = classes.length;
      byKey.set(key, c);
      classes.push({
        index: c,
        modelIndex: mi,
        groups,
        slots: groups.reduce((a, g) => a + topo.groups[g].slots, 0),
        maxKvBytes: groups.reduce((a, g) => Math.max(a, topo.groups[g].curve.kvCapacityBytes), 0),
        maxTokens: s.models[mi].contextTokens ?? Number.POSITIVE_INFINITY,
        kvBytesPerToken: s.models[mi].kvBytesPerToken,
      });
    }
    return c;
  };
  const rules = new Map(s.scheduler.modelRouting.map((r) => [r.model, r]));
  const workloads: FlatWorkload[] = [];
  s.tenants.forEach((tenant, ti) => {
    for (const spec of tenant.workloads) {
      const models = [spec.model, ...spec.fallback.filter((m) => m !== spec.model)];
      const chain = Int32Array.from(
        models.map((m) => {
          const mi = modelIndex.get(m);
          if (mi === undefined) throw new Error(`model ${m} was not resolved by the loader`);
          return classFor(mi, tenant, spec.region);
        }),
      );
      const splits = models.map((m) => {
        const rule = rules.get(m);
        if (rule === undefined) return null;
        const mi = modelIndex.get(m)!;
        const target = Int32Array.from(rule.targets, (pools) =>
          classFor(mi, tenant, spec.region, (p) => pools.includes(p)),
        );
        const rest = Int32Array.from(rule.targets, (pools) =>
          classFor(mi, tenant, spec.region, (p) => !pools.includes(p)),
        );
        const shares = rule.kind === "shares" ? Float64Array.from(rule.shares) : new Float64Array(2);
        const cumulative = new Float64Array(shares.length);
        let sum = 0;
        shares.forEach((x, t) => {
          sum += x;
          cumulative[t] = sum;
        });
        cumulative[cumulative.length - 1] = 1;
        return {
          byLength: rule.kind === "length",
          cumulative,
          threshold: rule.kind === "length" ? rule.threshold : 0,
          target,
          rest,
          shares,
        } satisfies ChainSplit as ChainSplit | null;
      });
      workloads.push({ index: workloads.length, tenant, tenantIndex: ti, spec, chain, splits });
    }
  });
  const classesByGroup: number[][] = topo.groups.map(() => []);
  for (const c of classes) for (const g of c.groups) classesByGroup[g].push(c.index);
  return { classes, workloads, classesByGroup };
}
