/**
 * plan.model_routing resolved: each entry's pool (or kind) names checked against the pools that
 * serve the model in the fleet or may serve it in plan.pools, the two sides disjoint, and its
 * values (a list, or min/max/step) expanded into an ascending grid.
 */
import type { ProblemList } from "./problems.js";
import type { RawPlan } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type { HardwareProfile, PlanPool, PlanRouting, PoolSpec } from "./types.js";

const KINDS = new Set(["gpu", "maia", "cobalt"]);
/** Most values one entry may try (each multiplies the screen's work). */
const MAX_VALUES = 1000;

interface Ctx {
  problems: ProblemList;
  pools: PoolSpec[];
  planPools: PlanPool[];
  profiles: HardwareProfile[];
}

type RawRouting = RawPlan["model_routing"][number];

export function resolvePlanRouting(raw: RawPlan["model_routing"], ctx: Ctx): PlanRouting[] {
  const out: PlanRouting[] = [];
  const seen = new Set<string>();
  raw.forEach((e, i) => {
    const path = ["plan", "model_routing", i];
    if (seen.has(e.model)) {
      ctx.problems.add([...path, "model"], `model ${e.model} already has a plan.model_routing entry`);
      return;
    }
    seen.add(e.model);
    if ((e.shares === undefined) === (e.by_prompt_length === undefined)) {
      ctx.problems.add(path, "give shares or by_prompt_length (one of them)");
      return;
    }
    if (!ctx.planPools.some((pp) => pp.models.some((m) => m.model === e.model))) {
      ctx.problems.add(
        [...path, "model"],
        `model ${e.model} is sized by no pool of plan.pools: its routing is searched with its node counts`,
      );
      return;
    }
    const serving = servingPools(e.model, ctx);
    if (serving.length === 0) {
      ctx.problems.add(
        [...path, "model"],
        `model ${e.model} is served by no pool of fleet.pools or plan.pools`,
      );
      return;
    }
    const kind = e.shares !== undefined ? "shares" : "length";
    const body = (e.shares ?? e.by_prompt_length) as NonNullable<RawRouting["shares"]> &
      NonNullable<RawRouting["by_prompt_length"]>;
    const at = [...path, kind === "shares" ? "shares" : "by_prompt_length"];
    const names: [string, string] = kind === "shares" ? [body.pool, body.rest] : [body.short, body.long];
    const fields = kind === "shares" ? ["pool", "rest"] : ["short", "long"];
    const targets = names.map((key, k) => {
      const pools = targetPools(key, e.model, serving, ctx);
      if (typeof pools === "string") {
        ctx.problems.add([...at, fields[k]], pools);
        return null;
      }
      return pools;
    });
    if (targets[0] === null || targets[1] === null) return;
    const both = targets[0].filter((p) => targets[1]!.includes(p));
    if (both.length > 0) {
      ctx.problems.add([...at, fields[1]], `pool ${both[0]} is on both sides (${names[0]} and ${names[1]})`);
      return;
    }
    const values = gridValues(body, kind === "length", at, ctx.problems);
    if (values === null) return;
    out.push({ model: e.model, kind, keys: names, targets: [targets[0], targets[1]], values });
  });
  return out;
}

/** Pools that serve the model in the fleet, or may in the plan: id and profile. */
function servingPools(model: string, ctx: Ctx): Array<{ id: string; profile: string }> {
  const out = ctx.pools
    .filter((p) => p.serves.some((s) => s.model === model))
    .map((p): { id: string; profile: string } => ({ id: p.id, profile: p.profile }));
  for (const pp of ctx.planPools) {
    if (pp.models.some((m) => m.model === model) && !out.some((p) => p.id === pp.pool))
      out.push({ id: pp.pool, profile: pp.profile });
  }
  return out;
}

/** The pools of a pool id or kind, or why not. */
function targetPools(
  key: string,
  model: string,
  serving: Array<{ id: string; profile: string }>,
  ctx: Ctx,
): string[] | string {
  if (KINDS.has(key)) {
    const kindOf = new Map(ctx.profiles.map((p) => [p.id, p.kind]));
    const pools = serving.filter((p) => kindOf.get(p.profile) === key).map((p) => p.id);
    return pools.length > 0 ? pools : `no ${key} pool serves model ${model} (fleet.pools or plan.pools)`;
  }
  if (serving.some((p) => p.id === key)) return [key];
  const known = new Set([...ctx.pools.map((p) => p.id), ...ctx.planPools.map((p) => p.pool)]);
  if (known.has(key)) return `pool ${key} does not serve model ${model} (fleet.pools or plan.pools)`;
  return `unknown pool or pool kind "${key}"${didYouMean(key, new Set([...known, ...KINDS]))}`;
}

/** The values of a grid, ascending and each once; null after reporting a problem. */
function gridValues(
  g: { values?: number[]; min?: number; max?: number; step?: number },
  whole: boolean,
  at: Array<string | number>,
  problems: ProblemList,
): number[] | null {
  const ranged = g.min !== undefined || g.max !== undefined || g.step !== undefined;
  if (g.values !== undefined && ranged) {
    problems.add([...at, "values"], "give values or min, max and step, not both");
    return null;
  }
  if (g.values !== undefined) return [...new Set(g.values)].sort((a, b) => a - b);
  for (const f of ["min", "max", "step"] as const) {
    if (g[f] === undefined) {
      problems.add(at, `give values, or min, max and step (${f} is missing)`);
      return null;
    }
  }
  const { min, max, step } = g as { min: number; max: number; step: number };
  if (max < min) {
    problems.add([...at, "max"], `max ${max} is below min ${min}`);
    return null;
  }
  if (step <= 0) {
    problems.add([...at, "step"], `step must be above 0, got ${step}`);
    return null;
  }
  const n = Math.floor((max - min) / step + 1e-9) + 1;
  if (n > MAX_VALUES) {
    problems.add([...at, "step"], `${n} values from min to max; at most ${MAX_VALUES}`);
    return null;
  }
  // Rounded to 12 significant digits so that 0.1 steps land on 0.3, not 0.30000000000000004.
  const values = Array.from({ length: n }, (_, k) => Number((min + k * step).toPrecision(12)));
  return whole ? [...new Set(values.map(Math.round))] : values;
}
