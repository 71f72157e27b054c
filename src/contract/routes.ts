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
}

export interface FlatWorkload {
  index: number;
  tenant: TenantSpec;
  tenantIndex: number;
  spec: WorkloadSpec;
  /** Route classes to try in order: the requested model, then each fallback. */
  chain: Int32Array;
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
  const classFor = (mi: number, tenant: TenantSpec, region: string | null): number => {
    const groups = topo.groupsByModel[mi].filter((g) => eligible(topo.groups[g], mi, tenant, region));
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
      });
    }
    return c;
  };
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
      workloads.push({ index: workloads.length, tenant, tenantIndex: ti, spec, chain });
    }
  });
  const classesByGroup: number[][] = topo.groups.map(() => []);
  for (const c of classes) for (const g of c.groups) classesByGroup[g].push(c.index);
  return { classes, workloads, classesByGroup };
}
