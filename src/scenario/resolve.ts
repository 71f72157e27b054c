/** Validated raw scenario -> the resolved `Scenario`: defaults filled, ids checked and resolved. */
import { resolveWindows } from "./hybrid-windows.js";
import { checkUniqueIds, type ProblemList } from "./problems.js";
import { resolveAutoscaling } from "./resolve-autoscaling.js";
import { resolveEvents } from "./resolve-events.js";
import { resolveChanges, resolvePools } from "./resolve-fleet.js";
import { resolveModelRouting } from "./resolve-model-routing.js";
import { ModelRegistry } from "./resolve-models.js";
import { resolvePlan } from "./resolve-plan.js";
import { resolveWorkload } from "./resolve-workload.js";
import { LIMITS } from "./schema/limits.js";
import type { RawScenario } from "./schema/scenario.js";
import type { HardwareProfile, ModelSpec, Scenario, TenantSpec } from "./types.js";

export interface ResolveInput {
  raw: RawScenario;
  file: string;
  fileHash: string;
  lines: Record<string, number>;
  /** Dotted paths `--set` wrote. */
  setPaths: string[];
  /** Folder of the scenario file. */
  dir: string;
  profiles: HardwareProfile[];
  catalog: ModelSpec[];
  catalogFile: string;
}

/** The resolved scenario; every problem found is added to `problems` (the caller throws). */
export function resolveScenario(input: ResolveInput, problems: ProblemList): Scenario {
  const { raw } = input;
  checkUniqueIds(
    problems,
    raw.models.map((m, i) => ({ id: m.id, path: ["models", i, "id"] })),
  );
  checkUniqueIds(
    problems,
    raw.fleet.pools.map((p, i) => ({ id: p.id, path: ["fleet", "pools", i, "id"] })),
  );
  checkUniqueIds(
    problems,
    raw.tenants.map((t, i) => ({ id: t.id, path: ["tenants", i, "id"] })),
  );

  const models = new ModelRegistry(
    raw.models,
    new Map(input.catalog.map((m) => [m.id, m])),
    problems,
    input.catalogFile,
  );
  const tenantIds = new Set(raw.tenants.map((t) => t.id));
  const profileIds = new Set(input.profiles.map((p) => p.id));
  const fleetCtx = { problems, models, regions: raw.regions, profileIds, tenantIds };
  const pools = resolvePools(raw.fleet.pools, fleetCtx);
  const changes = resolveChanges(raw.fleet.changes, pools, fleetCtx);
  const tenants = resolveTenants(raw, input.dir, problems, models);
  const events = resolveEvents(raw.events, {
    problems,
    models,
    tenantIds,
    poolIds: new Set(pools.map((p) => p.id)),
  });

  const plan =
    raw.plan === null
      ? null
      : resolvePlan(raw.plan, {
          problems,
          models,
          pools,
          tenants,
          profiles: input.profiles,
          regions: raw.regions,
          events: (list) =>
            resolveEvents(
              list,
              {
                problems,
                models,
                tenantIds,
                poolIds: new Set([...pools.map((p) => p.id), ...raw.plan!.pools.map((p) => p.pool)]),
              },
              ["plan", "survive", "events"],
            ),
        });

  const modelRouting = resolveModelRouting(raw.scheduler.model_routing, {
    problems,
    models,
    pools,
    profiles: input.profiles,
  });
  const autoscaling = resolveAutoscaling(raw.autoscaling, {
    problems,
    models,
    pools,
    changes,
    fidelity: raw.fidelity,
  });
  checkStepCounts(raw, problems);
  const windows = resolveWindows(
    raw.fluid.windows,
    { horizon: raw.horizon, reportInterval: raw.report_interval },
    problems,
  );

  return {
    name: raw.name,
    description: raw.description,
    file: input.file,
    fileHash: input.fileHash,
    seed: raw.seed,
    startMs: raw.start,
    horizon: raw.horizon,
    reportInterval: raw.report_interval,
    fidelity: raw.fidelity,
    fluid: { step: raw.fluid.step, windows },
    regions: raw.regions,
    models: models.list(),
    profiles: input.profiles,
    fleet: { pools, changes },
    tenants,
    events,
    scheduler: {
      routing: raw.scheduler.routing,
      prefixAffinity: {
        cacheThreshold: raw.scheduler.prefix_affinity.cache_threshold,
        balanceAbsThreshold: raw.scheduler.prefix_affinity.balance_abs_threshold,
        balanceRelThreshold: raw.scheduler.prefix_affinity.balance_rel_threshold,
        indexTokens: raw.scheduler.prefix_affinity.index_tokens,
      },
      kvAware: {
        overlapWeight: raw.scheduler.kv_aware.overlap_weight,
        temperature: raw.scheduler.kv_aware.temperature,
      },
      modelRouting,
      maxQueuePerReplica: raw.scheduler.max_queue_per_replica,
      batching: raw.scheduler.batching,
      maxBatch: raw.scheduler.max_batch,
      prefill: raw.scheduler.prefill ?? (raw.scheduler.batching === "static" ? "pause" : "chunked"),
      maxNumBatchedTokens: raw.scheduler.max_num_batched_tokens ?? null,
      maxNumSeqs: raw.scheduler.max_num_seqs ?? null,
      blockSize: raw.scheduler.block_size,
      gpuMemoryUtilization: raw.scheduler.gpu_memory_utilization,
      preemption: raw.scheduler.preemption ?? "recompute",
      longPrefillTokenThreshold: raw.scheduler.long_prefill_token_threshold,
      swapSpaceBytes:
        raw.scheduler.swap_space_gb === undefined ? null : raw.scheduler.swap_space_gb * 2 ** 30,
    },
    billing: {
      energyUsdPerKwh: raw.billing.energy_usd_per_kwh,
      pue: raw.billing.pue,
      amortizationYears: raw.billing.amortization_years,
      spotDiscount: raw.billing.spot_discount,
    },
    autoscaling,
    plan,
    lines: input.lines,
    setPaths: input.setPaths,
  };
}

/**
 * Report intervals and fluid steps over the horizon: each interval is a row of every time series
 * and each fluid step is work per replica group, so their counts are bounded (limits.ts).
 */
function checkStepCounts(raw: RawScenario, problems: ProblemList): void {
  const intervals = Math.ceil(raw.horizon / raw.report_interval - 1e-9);
  if (intervals > LIMITS.intervals) {
    problems.add(
      ["report_interval"],
      `gives ${intervals} report intervals over the horizon (${raw.horizon} s), more than the limit of ${LIMITS.intervals}; use a longer report_interval, got ${raw.report_interval} s`,
    );
  }
  const steps = Math.ceil(raw.horizon / raw.fluid.step - 1e-9);
  if (raw.fidelity !== "request" && steps > LIMITS.fluidSteps) {
    problems.add(
      ["fluid", "step"],
      `gives ${steps} fluid steps over the horizon (${raw.horizon} s), more than the limit of ${LIMITS.fluidSteps}; use a longer step, got ${raw.fluid.step} s`,
    );
  }
}

function resolveTenants(
  raw: RawScenario,
  dir: string,
  problems: ProblemList,
  models: ModelRegistry,
): TenantSpec[] {
  const reservedFor = new Set(raw.fleet.pools.map((p) => p.reserved_for));
  const ctx = { dir, problems, models, regions: raw.regions, horizon: raw.horizon };
  return raw.tenants.map((t, i) => {
    const path = ["tenants", i];
    if (t.contract.type === "capacity" && !reservedFor.has(t.id)) {
      problems.add(
        [...path, "contract", "type"],
        `a capacity contract runs only on pools reserved for its tenant, and no pool has reserved_for: ${t.id}`,
      );
    }
    const workloads = t.workloads.map((w, j) => resolveWorkload(w, j, [...path, "workloads", j], ctx));
    checkUniqueIds(
      problems,
      workloads.map((w, j) => ({
        id: w.id,
        path: t.workloads[j].id === undefined ? [...path, "workloads", j] : [...path, "workloads", j, "id"],
      })),
    );
    const c = t.contract;
    return {
      id: t.id,
      kind: t.kind,
      contract: {
        type: c.type,
        discount: c.discount,
        committedUsd: c.committed_usd,
        sla: c.sla ? { target: c.sla.target, credit: c.sla.credit } : null,
      },
      workloads,
    };
  });
}
