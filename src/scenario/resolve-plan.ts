/**
 * The `plan:` section resolved: pools and models checked against the fleet and the profiles, node
 * ranges completed (an existing pool's models default to its serves; ranges default from the
 * pool's nodes), SLO targets completed from the workloads' own slo, outages to survive resolved
 * like the scenario's events.
 */
import type { ProblemList } from "./problems.js";
import type { ModelRegistry } from "./resolve-models.js";
import { resolvePlanRouting } from "./resolve-plan-routing.js";
import type { RawEvent, RawPlan } from "./schema/scenario.js";
import { didYouMean } from "./suggest.js";
import type {
  HardwareProfile,
  NodeRange,
  PlanPool,
  PlanSpec,
  PlanTarget,
  PoolSpec,
  TenantSpec,
  TimelineEvent,
} from "./types.js";

export interface PlanContext {
  problems: ProblemList;
  models: ModelRegistry;
  pools: PoolSpec[];
  tenants: TenantSpec[];
  profiles: HardwareProfile[];
  regions: string[];
  events: (raw: RawEvent[]) => TimelineEvent[];
}

/** Default upper bound of an existing pool: twice its nodes today, at least this many. */
const DEFAULT_MAX_NODES = 4;

export function resolvePlan(raw: RawPlan, ctx: PlanContext): PlanSpec {
  const { problems } = ctx;
  const seen = new Set<string>();
  const pools: PlanPool[] = raw.pools.map((rp, i) => {
    const path = ["plan", "pools", i];
    if (seen.has(rp.pool)) problems.add([...path, "pool"], `pool "${rp.pool}" is listed twice`);
    seen.add(rp.pool);
    const existing = ctx.pools.find((p) => p.id === rp.pool);
    let profile = existing?.profile ?? rp.profile ?? "";
    let region = existing?.region ?? rp.region ?? "default";
    if (existing) {
      for (const key of ["profile", "region"] as const) {
        if (rp[key] !== undefined && rp[key] !== existing[key]) {
          problems.add(
            [...path, key],
            `pool "${rp.pool}" is in fleet.pools with ${key} ${existing[key]}; leave ${key} out or give a new pool id`,
          );
        }
      }
    } else if (rp.profile === undefined) {
      problems.add(
        [...path, "pool"],
        `unknown pool "${rp.pool}"${didYouMean(rp.pool, new Set(ctx.pools.map((p) => p.id)))}; a new pool needs a profile`,
      );
    } else if (!ctx.profiles.some((p) => p.id === rp.profile)) {
      problems.add(
        [...path, "profile"],
        `unknown hardware profile "${rp.profile}"${didYouMean(rp.profile, new Set(ctx.profiles.map((p) => p.id)))}`,
      );
      profile = "";
    }
    if (!existing && ctx.regions.length > 0 && !ctx.regions.includes(region)) {
      problems.add(
        [...path, "region"],
        `region "${region}" is not one of regions: ${ctx.regions.join(", ")}`,
      );
      region = "";
    }
    const current = existing?.nodes ?? 0;
    // The pool's total is bounded by nodes.max, else by its models' own max when each gives one
    // (a default below them would cap them silently), else by the default.
    const modelsMax =
      rp.models !== undefined && rp.models.length > 0 && rp.models.every((m) => m.max !== undefined)
        ? rp.models.reduce((a, m) => a + (m.max as number), 0)
        : undefined;
    const poolMax =
      rp.nodes?.max ?? modelsMax ?? (existing ? Math.max(2 * current, DEFAULT_MAX_NODES) : undefined);
    const nodes: NodeRange = {
      min: rp.nodes?.min ?? 0,
      max: poolMax ?? Number.POSITIVE_INFINITY,
      step: rp.nodes?.step ?? 1,
    };
    const rawModels =
      rp.models ?? existing?.serves.map((s) => ({ model: s.model, min: 0, max: undefined, step: 1 })) ?? [];
    if (rawModels.length === 0) problems.add([...path, "models"], "give the models the pool may serve");
    const models = rawModels.map((m, j) => {
      ctx.models.ref([...path, "models", j, "model"], m.model);
      const max = m.max ?? poolMax;
      if (max === undefined) {
        problems.add(
          [...path, "models", j, "max"],
          `give max (or the pool's nodes.max): a new pool has no nodes to start from`,
        );
      }
      const r = { model: m.model, min: m.min, max: max ?? m.min, step: m.step };
      if (r.max < r.min) problems.add([...path, "models", j, "max"], `max ${r.max} is below min ${r.min}`);
      return r;
    });
    if (nodes.max < nodes.min)
      problems.add([...path, "nodes", "max"], `max ${nodes.max} is below min ${nodes.min}`);
    if (!Number.isFinite(nodes.max)) nodes.max = models.reduce((a, m) => a + m.max, 0);
    const maxDefaulted = rp.nodes?.max === undefined && rawModels.some((m) => m.max === undefined);
    return { pool: rp.pool, isNew: !existing, profile, region, nodes, models, maxDefaulted };
  });

  const targets = resolveTargets(raw, ctx);
  return {
    objective: raw.objective,
    pools,
    routing: resolvePlanRouting(raw.model_routing, {
      problems,
      pools: ctx.pools,
      planPools: pools,
      profiles: ctx.profiles,
    }),
    targets,
    surviveEvents: ctx.events(raw.survive.events as RawEvent[]),
    anyNode: raw.survive.any_node,
    caps: {
      nodes: raw.caps.nodes ?? null,
      nodesPerRegion: raw.caps.nodes_per_region,
      powerKwPerRegion: raw.caps.power_kw_per_region,
      budgetUsd: raw.caps.budget_usd ?? null,
    },
    seeds: raw.seeds,
  };
}

/**
 * One target per tenant x requested model: the strictest slo of its workloads (attainment: the
 * plan's), then the plan's own entries on top.
 */
function resolveTargets(raw: RawPlan, ctx: PlanContext): PlanTarget[] {
  const out: PlanTarget[] = [];
  const find = (tenant: string, model: string) => out.find((t) => t.tenant === tenant && t.model === model);
  for (const t of ctx.tenants) {
    for (const w of t.workloads) {
      let target = find(t.id, w.model);
      if (!target) {
        target = { tenant: t.id, model: w.model, ttftP99S: null, tpotP99Ms: null, attainment: null };
        out.push(target);
      }
      if (w.slo === null) continue;
      target.ttftP99S = Math.min(target.ttftP99S ?? Number.POSITIVE_INFINITY, w.slo.ttftS);
      target.tpotP99Ms = Math.min(target.tpotP99Ms ?? Number.POSITIVE_INFINITY, w.slo.tpotMs);
      target.attainment = raw.attainment;
    }
  }
  raw.slo.forEach((s, i) => {
    const path = ["plan", "slo", i];
    const tenant = ctx.tenants.find((t) => t.id === s.tenant);
    if (!tenant) {
      ctx.problems.add(
        [...path, "tenant"],
        `unknown tenant "${s.tenant}"${didYouMean(s.tenant, new Set(ctx.tenants.map((t) => t.id)))}`,
      );
      return;
    }
    const models = [...new Set(tenant.workloads.map((w) => w.model))];
    const model = s.model ?? (models.length === 1 ? models[0] : undefined);
    if (model === undefined) {
      ctx.problems.add(
        path,
        `tenant "${s.tenant}" requests ${models.length === 0 ? "no model" : models.join(", ")}: give model`,
      );
      return;
    }
    const target = find(s.tenant, model);
    if (!target) {
      ctx.problems.add([...path, "model"], `tenant "${s.tenant}" has no workload requesting ${model}`);
      return;
    }
    if (s.ttft_p99_s !== undefined) target.ttftP99S = s.ttft_p99_s;
    if (s.tpot_p99_ms !== undefined) target.tpotP99Ms = s.tpot_p99_ms;
    if (s.attainment !== undefined) target.attainment = s.attainment;
  });
  return out.filter((t) => t.ttftP99S !== null || t.tpotP99Ms !== null || t.attainment !== null);
}
