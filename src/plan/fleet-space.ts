/**
 * The planner's decision variables as slots (one per pool x model it may size) and the fleet a
 * choice of node counts stands for: the scenario with those pools' serves replaced (new pools
 * added), every other pool as it was. A choice is one node count per slot.
 */

import { acceleratorRates } from "../contract/cost-rates.js";
import { InputError } from "../errors.js";
import { fieldProblem } from "../scenario/field-problem.js";
import { managedPoolIds } from "../scenario/managed-pools.js";
import type {
  HardwareProfile,
  ModelRouting,
  NodeRange,
  PlanRouting,
  PlanSpec,
  PoolSpec,
  Scenario,
} from "../scenario/types.js";

export interface Slot {
  index: number;
  pool: string;
  region: string;
  profile: HardwareProfile;
  model: string;
  range: NodeRange;
  /** Infrastructure cost of one node over the horizon, idle energy included (USD; the ordering key). */
  nodeCostUsd: number;
  /** Peak power of one node, kW (the power caps read it). */
  nodePeakKw: number;
}

export interface FleetSpace {
  base: Scenario;
  plan: PlanSpec;
  slots: Slot[];
  /** Slot indices per model id. */
  slotsByModel: Map<string, number[]>;
}

export function fleetSpace(base: Scenario): FleetSpace {
  const plan = base.plan;
  if (!plan) throw new Error("the scenario has no plan section");
  refuseManagedPools(base, plan);
  const slots: Slot[] = [];
  const slotsByModel = new Map<string, number[]>();
  for (const pp of plan.pools) {
    const profile = base.profiles.find((p) => p.id === pp.profile);
    if (!profile) throw new Error(`profile ${pp.profile} was not resolved by the loader`);
    for (const m of pp.models) {
      const slot: Slot = {
        index: slots.length,
        pool: pp.pool,
        region: pp.region,
        profile,
        model: m.model,
        range: { min: m.min, max: m.max, step: m.step },
        nodeCostUsd: nodeCostUsd(profile, base),
        nodePeakKw: profile.powerW.peak / 1000,
      };
      slots.push(slot);
      const list = slotsByModel.get(m.model) ?? [];
      list.push(slot.index);
      slotsByModel.set(m.model, list);
    }
  }
  return { base, plan, slots, slotsByModel };
}

/** Capex share, opex and idle energy of one node over the horizon (what adding a node costs at least). */
export function nodeCostUsd(profile: HardwareProfile, s: Scenario): number {
  const r = acceleratorRates(profile, s);
  const perAccS = r.capexUsd + r.opexUsd + ((r.idleW * s.billing.pue) / 3.6e6) * s.billing.energyUsdPerKwh;
  return perAccS * profile.acceleratorsPerNode * s.horizon;
}

/** The scheduler.model_routing entry of value `v` of a searched routing. */
export function routingRule(r: PlanRouting, v: number): ModelRouting {
  const x = r.values[v];
  return r.kind === "shares"
    ? { model: r.model, kind: "shares", targets: r.targets, shares: [x, 1 - x] }
    : { model: r.model, kind: "length", targets: r.targets, threshold: x };
}

/**
 * The scenario of a choice (nodes per slot, and the value index of each plan.model_routing entry
 * in `routes`): the sized pools' serves are the slots' counts, their nodes the sum; new pools with
 * no node are left out; the searched models' model_routing is the chosen value's. `extraEvents`
 * (outages to survive) are added to the timeline. The fleet's build-out changes and events are
 * kept as written.
 */
export function fleetScenario(
  space: FleetSpace,
  nodes: readonly number[],
  extraEvents = true,
  routes: readonly number[] = [],
): Scenario {
  const { base, plan, slots } = space;
  const sized = new Map<string, PoolSpec>();
  for (const pp of plan.pools) {
    const serves = slots
      .filter((s) => s.pool === pp.pool)
      .map((s) => ({ model: s.model, nodes: nodes[s.index] }));
    const existing = base.fleet.pools.find((p) => p.id === pp.pool);
    sized.set(pp.pool, {
      id: pp.pool,
      profile: pp.profile,
      region: pp.region,
      reservedFor: existing?.reservedFor ?? null,
      serves,
      nodes: serves.reduce((a, s) => a + s.nodes, 0),
    });
  }
  const pools = base.fleet.pools.map((p) => sized.get(p.id) ?? p);
  for (const pp of plan.pools) {
    const p = sized.get(pp.pool);
    if (pp.isNew && p && p.nodes > 0) pools.push(p);
  }
  const events = extraEvents
    ? [...base.events, ...plan.surviveEvents].sort((a, b) => a.at - b.at)
    : base.events;
  const searched = plan.routing.map((r, i) => routingRule(r, routes[i] ?? 0));
  const modelRouting = [
    ...base.scheduler.modelRouting.filter((r) => !plan.routing.some((x) => x.model === r.model)),
    ...searched,
  ];
  return {
    ...base,
    scheduler: { ...base.scheduler, modelRouting },
    fleet: { pools, changes: base.fleet.changes },
    events: events.filter((e) => e.type !== "pool_outage" || pools.some((p) => p.id === e.pool)),
  };
}

/** The current node counts of the sized slots (new pools: 0), clamped into their ranges. */
export function currentNodes(space: FleetSpace): number[] {
  return space.slots.map((s) => {
    const pool = space.base.fleet.pools.find((p) => p.id === s.pool);
    return pool?.serves.filter((v) => v.model === s.model).reduce((a, v) => a + v.nodes, 0) ?? 0;
  });
}

/** The planner sizes fixed pools; a pool the autoscaler manages sizes itself at run time. */
function refuseManagedPools(base: Scenario, plan: PlanSpec): void {
  const managed = managedPoolIds(base);
  const problems = plan.pools.flatMap((pp, i) => {
    if (!managed.has(pp.pool)) return [];
    const path = `plan.pools.${i}.pool`;
    return [
      fieldProblem(
        base,
        path,
        `pool "${pp.pool}" is managed by the autoscaler, which sizes it as the run goes: plan sizes fixed pools (bound it with scaling: min_nodes and max_nodes instead, or plan it without autoscaling:)`,
      ),
    ];
  });
  if (problems.length > 0) throw new InputError(problems);
}
