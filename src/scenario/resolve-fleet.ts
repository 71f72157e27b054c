/**
 * Pools and the build-out plan. A change may name a model its pool does not serve yet: adding
 * nodes then starts a new `serves` entry; removing more nodes of a model than the pool holds at
 * that time (after the earlier changes) is an error.
 */
import type { ProblemList } from "./problems.js";
import { resolvePoolScaling } from "./resolve-autoscaling.js";
import type { ModelRegistry } from "./resolve-models.js";
import { checkRegion } from "./resolve-workload.js";
import type { RawPool, RawScenario } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { FleetChange, PoolSpec } from "./types.js";

export interface FleetContext {
  problems: ProblemList;
  models: ModelRegistry;
  regions: string[];
  profileIds: Set<string>;
  tenantIds: Set<string>;
}

export function resolvePools(raw: RawPool[], ctx: FleetContext): PoolSpec[] {
  return raw.map((p, i) => {
    const path = ["fleet", "pools", i];
    if (!ctx.profileIds.has(p.profile)) {
      ctx.problems.add(
        [...path, "profile"],
        `unknown hardware profile "${p.profile}"${didYouMean(p.profile, ctx.profileIds) || knownList(ctx.profileIds)}`,
      );
    }
    checkRegion(p.region, [...path, "region"], ctx);
    if (p.reserved_for !== null && !ctx.tenantIds.has(p.reserved_for)) {
      ctx.problems.add(
        [...path, "reserved_for"],
        `unknown tenant "${p.reserved_for}"${didYouMean(p.reserved_for, ctx.tenantIds)}`,
      );
    }
    const seen = new Map<string, number>();
    let total = 0;
    p.serves.forEach((s, j) => {
      ctx.models.ref([...path, "serves", j, "model"], s.model);
      const first = seen.get(s.model);
      if (first !== undefined) {
        ctx.problems.add(
          [...path, "serves", j, "model"],
          `model "${s.model}" is already served by this pool (line ${ctx.problems.lineOf([...path, "serves", first])})`,
        );
      } else seen.set(s.model, j);
      total += s.nodes;
    });
    if (total > p.nodes) {
      ctx.problems.add(
        [...path, "serves"],
        `give ${total} node${total === 1 ? "" : "s"} in all, more than the pool's ${p.nodes} node${p.nodes === 1 ? "" : "s"}`,
      );
    }
    return {
      id: p.id,
      profile: p.profile,
      region: p.region,
      nodes: p.nodes,
      serves: p.serves.map((s) => ({ model: s.model, nodes: s.nodes })),
      reservedFor: p.reserved_for,
      scaling: resolvePoolScaling(p, i, ctx.problems),
    };
  });
}

export function resolveChanges(
  raw: RawScenario["fleet"]["changes"],
  pools: PoolSpec[],
  ctx: FleetContext,
): FleetChange[] {
  const poolById = new Map(pools.map((p) => [p.id, p]));
  const changes: Array<FleetChange & { index: number }> = [];
  raw.forEach((c, i) => {
    const path = ["fleet", "changes", i];
    const pool = poolById.get(c.pool);
    if (!pool) {
      ctx.problems.add([...path, "pool"], `unknown pool "${c.pool}"${didYouMean(c.pool, poolById.keys())}`);
      return;
    }
    if ((c.add_nodes === undefined) === (c.remove_nodes === undefined)) {
      ctx.problems.add(path, "give exactly one of add_nodes and remove_nodes");
      return;
    }
    let model = c.model;
    if (model === undefined) {
      if (pool.serves.length !== 1) {
        const served = pool.serves.map((s) => s.model).join(", ") || "none";
        ctx.problems.add(
          path,
          `needs a model: pool "${pool.id}" serves ${pool.serves.length} models (${served})`,
        );
        return;
      }
      model = pool.serves[0].model;
    } else if (!ctx.models.ref([...path, "model"], model)) return;
    const deltaNodes = c.add_nodes ?? -(c.remove_nodes as number);
    changes.push({ at: c.at, pool: pool.id, model, deltaNodes, index: i });
  });
  changes.sort((a, b) => a.at - b.at || a.index - b.index);
  checkNeverNegative(changes, pools, ctx.problems);
  return changes.map(({ at, pool, model, deltaNodes }) => ({ at, pool, model, deltaNodes }));
}

/** Replays the plan: no change may remove nodes a pool's model does not have at that time. */
function checkNeverNegative(
  changes: Array<FleetChange & { index: number }>,
  pools: PoolSpec[],
  problems: ProblemList,
) {
  const nodes = new Map<string, number>();
  const key = (pool: string, model: string) => `${pool}\u0000${model}`;
  for (const p of pools) for (const s of p.serves) nodes.set(key(p.id, s.model), s.nodes);
  for (const c of changes) {
    const have = nodes.get(key(c.pool, c.model)) ?? 0;
    if (have + c.deltaNodes < 0) {
      problems.add(
        ["fleet", "changes", c.index, "remove_nodes"],
        `removes ${-c.deltaNodes} nodes of "${c.model}" from pool "${c.pool}", which has ${have} then`,
      );
    }
    nodes.set(key(c.pool, c.model), Math.max(0, have + c.deltaNodes));
  }
}

function knownList(ids: Set<string>): string {
  if (ids.size === 0) return " (no hardware profiles were found)";
  return ` (known: ${[...ids].sort().join(", ")})`;
}
