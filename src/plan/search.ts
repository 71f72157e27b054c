/**
 * The capacity planner's search: fast, then sure.
 *
 * The fleet splits by model (a replica serves one model; routing, residency and outages act per
 * model), so each model's slots are searched on their own and the cheapest combination is taken:
 *  1. per model, node counts in order of cost (lattice.ts); each is screened analytically
 *     (screen.ts) and dropped when the screen fails it or when a count at least as large in every
 *     slot already failed in a request-level run (monotonicity: more nodes never hurt an SLO);
 *  2. the cheapest combination of every model's cheapest surviving counts that keeps the plan's
 *     caps (pool totals, nodes, power, budget) is confirmed request by request over the seeds
 *     (confirm.ts); a model whose targets are missed in any seed has that count marked failed (with
 *     every count below it), and the search goes on from 2;
 *  3. the first combination whose every model passed confirmation is the plan.
 * With `any_node`, a model's counts pass only if they also pass with one node fewer in any one of
 * its slots (confirmed the same way). Fallback between models is not modelled in the split.
 *
 * A model with a plan.model_routing entry is searched over (routing value, node counts): one
 * lattice per value, merged in cost order, each screened with that value's split of the demand;
 * monotonicity holds within one value only.
 *
 * objective margin: every combination that passes is kept, and the search goes on in cost order
 * until no cheaper-to-build fleet can beat the best margin: a fleet's margin is at most the net
 * revenue of the fleet with every slot at its maximum (confirmed once; more capacity serves at
 * least as many requests within SLO) minus its node cost; at most MARGIN_FLEETS fleets pass.
 */

import { InputError } from "../errors.js";
import type { PlanTarget, Scenario } from "../scenario/types.js";
import type { FleetResult } from "./confirm.js";
import { confirmFleet } from "./confirm.js";
import { type FleetSpace, fleetScenario, fleetSpace } from "./fleet-space.js";
import { CostOrderedLattice, dominatedBy } from "./lattice.js";
import { type ModelScreen, modelScreens, screenModel } from "./screen.js";

export interface PlanCandidate {
  /** 1-based, in order of evaluation. */
  id: number;
  stage: "screen" | "confirm";
  /** Screen rows: the model whose slots are counted; confirm rows: null (the whole fleet). */
  model: string | null;
  /** Nodes per slot (null: a slot of another model, on a screen row). */
  nodes: Array<number | null>;
  /** Value index per plan.model_routing entry (null: another model's, on a screen row). */
  routes: Array<number | null>;
  /** Screen rows: node cost of the counted slots; confirm rows: the runs' mean infrastructure cost. */
  costUsd: number;
  marginUsd: number | null;
  feasible: boolean;
  /** The constraint that failed, in words. */
  failed: string | null;
  /** Confirm rows: per target. */
  result: FleetResult | null;
}

export interface PlanProgress {
  screened: number;
  /** Request-level runs done, over every fleet. */
  confirmRuns: number;
  /** Fleets whose confirmation has started, the runs done of the current one, and seeds per fleet. */
  fleets: number;
  fleetRun: number;
  seeds: number;
}

export interface PlanOptions {
  seeds?: number;
  workers?: number;
  shouldStop?: () => boolean;
  onProgress?: (p: PlanProgress) => void;
}

export interface PlanOutcome {
  space: FleetSpace;
  /** Nodes per slot of the chosen fleet. */
  nodes: number[];
  /** Value index per plan.model_routing entry of the chosen fleet. */
  routes: number[];
  scenario: Scenario;
  result: FleetResult;
  candidates: PlanCandidate[];
  /** Per sized model: what stops one node fewer, in words. */
  binding: Map<string, string>;
  seeds: number[];
  /** Request-level runs made (a fleet confirmed twice, at routing values that cannot differ, runs once). */
  runs: number;
}

/** Combinations tried before giving up on the caps. */
const MAX_COMBINATIONS = 200_000;
/** Count vectors one model may screen. */
const MAX_SCREENED = 200_000;
/** objective margin: most fleets confirmed feasible before the best margin is taken. */
const MARGIN_FLEETS = 25;

interface Verdict {
  ok: boolean;
  reason: string;
}

/** One model's choice: a value of its routing (0 when it has none) and node counts per slot. */
interface Choice {
  route: number;
  nodes: number[];
  cost: number;
}

const keyOf = (route: number, nodes: readonly number[]) => `${route}:${nodes.join(",")}`;

/** What is known of one model: screened choices in cost order, and request-level verdicts. */
class ModelSearch {
  readonly list: Choice[] = [];
  /** One lattice per routing value, and the next count vector each offers. */
  private readonly lattices: CostOrderedLattice[];
  private readonly heads: Array<{ nodes: number[]; cost: number } | null>;
  private readonly failed: Array<{ route: number; nodes: number[]; reason: string }> = [];
  private readonly passed: Array<{ route: number; nodes: number[] }> = [];
  /** Why the screen failed a choice, by its key. */
  readonly screenFailed = new Map<string, string>();
  /** Index of the model's plan.model_routing entry (-1: none). */
  readonly routing: number;
  screened = 0;

  constructor(
    readonly model: string,
    readonly slots: number[],
    private readonly space: FleetSpace,
    private readonly screens: ModelScreen[],
    private readonly log: (c: Omit<PlanCandidate, "id">) => void,
  ) {
    this.routing = space.plan.routing.findIndex((r) => r.model === model);
    this.lattices = screens.map(
      () =>
        new CostOrderedLattice(
          slots.map((si) => ({ ...space.slots[si].range, unitCost: space.slots[si].nodeCostUsd })),
        ),
    );
    this.heads = this.lattices.map((l) => l.next());
  }

  /** The i-th cheapest screened choice, screening more as needed; null past the last. */
  at(i: number): Choice | null {
    while (this.list.length <= i) {
      let route = -1;
      this.heads.forEach((h, r) => {
        if (h && (route < 0 || h.cost < (this.heads[route] as { cost: number }).cost)) route = r;
      });
      if (route < 0) return null;
      const next = this.heads[route] as { nodes: number[]; cost: number };
      this.heads[route] = this.lattices[route].next();
      if (++this.screened > MAX_SCREENED) {
        throw new InputError({
          file: "plan",
          message: `${this.model}: more than ${MAX_SCREENED} node counts screened; narrow the ranges`,
        });
      }
      const v = this.screenOne(route, next.nodes);
      this.log({
        stage: "screen",
        model: this.model,
        nodes: this.space.slots.map((s) => {
          const k = this.slots.indexOf(s.index);
          return k < 0 ? null : next.nodes[k];
        }),
        routes: this.space.plan.routing.map((_, r) => (r === this.routing ? route : null)),
        costUsd: next.cost,
        marginUsd: null,
        feasible: v.ok,
        failed: v.ok ? null : v.reason,
        result: null,
      });
      if (v.ok) this.list.push({ route, ...next });
      else this.screenFailed.set(keyOf(route, next.nodes), v.reason);
    }
    return this.list[i];
  }

  private screenOne(route: number, nodes: number[]): Verdict {
    const known = this.plain(route, nodes);
    if (known && !known.ok) return known;
    const screen = this.screens[route];
    const v = screenModel(this.space, screen, nodes);
    if (!v.ok) return v;
    if (this.space.plan.anyNode) {
      for (const less of this.oneFewer(nodes)) {
        const w = screenModel(this.space, screen, less.nodes);
        if (!w.ok) return { ok: false, reason: `with one ${less.pool} node down: ${w.reason}` };
      }
    }
    return { ok: true, reason: "" };
  }

  /** The counts with one node fewer in each slot that has one. */
  oneFewer(nodes: number[]): Array<{ nodes: number[]; pool: string }> {
    return this.slots.flatMap((si, k) =>
      nodes[k] > 0
        ? [{ nodes: nodes.map((n, j) => (j === k ? n - 1 : n)), pool: this.space.slots[si].pool }]
        : [],
    );
  }

  /** The request-level verdict of exactly these counts (no outage besides the scenario's), by monotonicity where not run. */
  plain(route: number, nodes: number[]): Verdict | null {
    const f = this.failed.find((x) => x.route === route && dominatedBy(nodes, x.nodes));
    if (f) return { ok: false, reason: f.reason };
    if (this.passed.some((p) => p.route === route && dominatedBy(p.nodes, nodes)))
      return { ok: true, reason: "" };
    return null;
  }

  /** Why runs failed this model's counts, in order. */
  failures(): string[] {
    return this.failed.map((f) => f.reason);
  }

  record(c: { route: number; nodes: number[] }, v: Verdict): void {
    if (v.ok) this.passed.push(c);
    else this.failed.push({ ...c, reason: v.reason });
  }

  /** The i-th cheapest screened choice not known to fail in a run; null past the last. */
  usable(i: number): Choice | null {
    let seen = -1;
    for (let k = 0; ; k++) {
      const e = this.at(k);
      if (!e) return null;
      if (this.verdict(e)?.ok === false) continue;
      if (++seen === i) return e;
    }
  }

  /** Choices that still need a request-level run for `c` to be decided. */
  needed(c: Choice): Array<{ route: number; nodes: number[] }> {
    const all = [c.nodes, ...(this.space.plan.anyNode ? this.oneFewer(c.nodes).map((x) => x.nodes) : [])];
    return all.filter((n) => this.plain(c.route, n) === null).map((nodes) => ({ route: c.route, nodes }));
  }

  /** Decided verdict of a choice with its outages to survive; null while some run is missing. */
  verdict(c: { route: number; nodes: number[] }): Verdict | null {
    const own = this.plain(c.route, c.nodes);
    if (own === null || !own.ok) return own;
    if (this.space.plan.anyNode) {
      for (const less of this.oneFewer(c.nodes)) {
        const v = this.plain(c.route, less.nodes);
        if (v === null) return null;
        if (!v.ok) return { ok: false, reason: `with one ${less.pool} node down: ${v.reason}` };
      }
    }
    return own;
  }
}

export async function planFleet(base: Scenario, opts: PlanOptions = {}): Promise<PlanOutcome> {
  const space = fleetSpace(base);
  const plan = space.plan;
  const seeds = Array.from({ length: opts.seeds ?? plan.seeds }, (_, i) => base.seed + i);
  const candidates: PlanCandidate[] = [];
  const log = (c: Omit<PlanCandidate, "id">) => candidates.push({ id: candidates.length + 1, ...c });
  const screens = await modelScreens(space);
  const models = [...space.slotsByModel.entries()].map(
    ([m, slots]) => new ModelSearch(m, slots, space, screens.get(m) as ModelScreen[], log),
  );
  const progress: PlanProgress = { screened: 0, confirmRuns: 0, fleets: 0, fleetRun: 0, seeds: seeds.length };
  const tick = () => {
    progress.screened = models.reduce((a, m) => a + m.screened, 0);
    opts.onProgress?.(progress);
  };
  const fixedTargets = plan.targets.filter((t) => !space.slotsByModel.has(t.model));
  const runs = new Map<string, FleetResult>();
  const logged = new Set<string>();

  const runFleet = async (nodes: number[], routes: number[], logIt = true): Promise<FleetResult> => {
    const exact = `${nodes.join(",")}|${routes.join(",")}`;
    // Fleets that differ only in a routing value that cannot matter are run once.
    const key = `${nodes.join(",")}|${sameRouting(space, nodes, routes).join(",")}`;
    let r = runs.get(key);
    if (!r) {
      progress.fleets++;
      progress.fleetRun = 0;
      tick();
      r = await confirmFleet(fleetScenario(space, nodes, true, routes), plan.targets, {
        seeds,
        workers: opts.workers,
        shouldStop: opts.shouldStop,
        onRun: () => {
          progress.confirmRuns++;
          progress.fleetRun++;
          tick();
        },
      });
      runs.set(key, r);
    }
    if (!logIt || logged.has(exact)) return r;
    logged.add(exact);
    const failed = r.targets.find((t) => t.missed !== null);
    log({
      stage: "confirm",
      model: null,
      nodes,
      routes,
      costUsd: r.costUsd.mean,
      marginUsd: r.marginUsd.mean,
      feasible: failed === undefined,
      failed: failed ? describeMiss(failed.target, failed.missed as string) : null,
      result: r,
    });
    return r;
  };

  /** Fleets every model passed: whole-fleet key -> what was run. */
  const passed: Array<{ combo: Choice[]; nodes: number[]; routes: number[]; result: FleetResult }> = [];
  const taken = new Set<string>();
  /** objective margin: net revenue of the largest fleet (the bound no fleet earns above). */
  let revenueBound: number | null = null;
  const outcome = (p: (typeof passed)[number]): PlanOutcome => ({
    space,
    nodes: p.nodes,
    routes: p.routes,
    scenario: fleetScenario(space, p.nodes, false, p.routes),
    result: p.result,
    candidates,
    binding: bindingConstraints(models, p.combo),
    seeds,
    runs: progress.confirmRuns,
  });
  const best = () =>
    passed.reduce((a, p) => (p.result.marginUsd.mean > a.result.marginUsd.mean ? p : a), passed[0]);

  for (;;) {
    const combo = cheapestCombination(space, models, taken);
    tick();
    if (combo === null) {
      if (passed.length > 0) return outcome(best());
      throw noFleet(space, models);
    }
    const chosen = assemble(space, models, combo);
    const chosenRoutes = routesOf(space, models, combo);
    if (plan.objective === "margin" && passed.length > 0) {
      // No fleet dearer to build than this can earn more than the best margin: stop.
      const bound = (revenueBound as number) - combo.reduce((a, c) => a + c.cost, 0);
      if (bound <= best().result.marginUsd.mean || passed.length >= MARGIN_FLEETS) return outcome(best());
    }
    const undecided = models.map((m, i) => m.needed(combo[i]));
    const rounds = Math.max(1, ...undecided.map((u) => u.length));
    for (let r = 0; r < rounds; r++) {
      const nodes = assemble(
        space,
        models,
        models.map((_, i) => undecided[i][r] ?? combo[i]),
      );
      const result = await runFleet(nodes, chosenRoutes);
      const missedFixed = result.targets.find((t) => fixedTargets.includes(t.target) && t.missed !== null);
      if (missedFixed) {
        throw new InputError({
          file: "plan",
          message: `${describeMiss(missedFixed.target, missedFixed.missed as string)}, and the plan sizes no pool serving ${missedFixed.target.model}: add its pools to plan.pools`,
        });
      }
      models.forEach((m, i) => {
        const counts = undecided[i][r];
        if (!counts) return;
        const miss = result.targets.find((t) => t.target.model === m.model && t.missed !== null);
        m.record(
          counts,
          miss
            ? { ok: false, reason: describeMiss(miss.target, miss.missed as string) }
            : { ok: true, reason: "" },
        );
      });
    }
    if (models.every((m, i) => m.verdict(combo[i])?.ok === true)) {
      const result = await runFleet(chosen, chosenRoutes);
      const p = { combo, nodes: chosen, routes: chosenRoutes, result };
      if (plan.objective === "cost") return outcome(p);
      passed.push(p);
      taken.add(comboKey(combo));
      if (revenueBound === null) revenueBound = await largestFleetRevenue(space, runFleet, chosenRoutes);
    }
  }
}

/**
 * What bounds a fleet's margin: a fleet c earns at most this minus its node cost. Its margin is
 * revenue - (node cost + every other cost); revenue net of the other costs (dynamic energy, pools
 * not sized, owners' shares) is taken to be largest with every slot at its maximum (more capacity
 * serves at least as many requests within SLO), so the bound is that fleet's margin plus its node
 * cost. An estimate: one confirmation of the largest fleet, not a proof.
 */
async function largestFleetRevenue(
  space: FleetSpace,
  runFleet: (nodes: number[], routes: number[], logged?: boolean) => Promise<FleetResult>,
  routes: number[],
): Promise<number> {
  const full = space.slots.map((s) => s.range.max);
  const r = await runFleet(full, routes, false);
  return r.marginUsd.mean + space.slots.reduce((a, s) => a + full[s.index] * s.nodeCostUsd, 0);
}

/**
 * The routing values of a fleet with each one that cannot change a run replaced by -1: when every
 * pool serving the model (with nodes) is on one side of its entry, the router sends every request
 * there whatever the value (a side with no replica falls back to the other pools). Only for a
 * fleet without build-out changes, whose pools keep their nodes all run.
 */
function sameRouting(space: FleetSpace, nodes: readonly number[], routes: readonly number[]): number[] {
  if (space.base.fleet.changes.length > 0) return [...routes];
  const pools = fleetScenario(space, nodes, false).fleet.pools;
  return space.plan.routing.map((r, i) => {
    const serving = pools
      .filter((p) => p.serves.some((v) => v.model === r.model && v.nodes > 0))
      .map((p) => p.id);
    const oneSide = r.targets.some((side) => serving.every((p) => side.includes(p)));
    return oneSide ? -1 : routes[i];
  });
}

const comboKey = (combo: Choice[]) => combo.map((c) => keyOf(c.route, c.nodes)).join("|");

/** Value index per plan.model_routing entry from each model's choice. */
function routesOf(space: FleetSpace, models: ModelSearch[], combo: Choice[]): number[] {
  return space.plan.routing.map((r) => {
    const i = models.findIndex((m) => m.model === r.model);
    return i < 0 ? 0 : combo[i].route;
  });
}

function describeMiss(t: PlanTarget, missed: string): string {
  return `${t.tenant} / ${t.model}: ${missed}`;
}

/** Nodes per slot of the whole plan from each model's counts. */
function assemble(space: FleetSpace, models: ModelSearch[], counts: Array<{ nodes: number[] }>): number[] {
  const out = space.slots.map((s) => s.range.min);
  models.forEach((m, i) => {
    m.slots.forEach((si, k) => {
      out[si] = counts[i].nodes[k];
    });
  });
  return out;
}

/**
 * The cheapest choice of one screened, not failed, count vector per model that keeps the caps:
 * best-first over the models' positions in their cost-ordered lists.
 */
function cheapestCombination(space: FleetSpace, models: ModelSearch[], taken: Set<string>): Choice[] | null {
  if (models.length === 0) return [];
  const heap: Array<{ cost: number; idx: number[] }> = [];
  const seen = new Set<string>();
  const push = (idx: number[]) => {
    const key = idx.join(",");
    if (seen.has(key)) return;
    seen.add(key);
    let cost = 0;
    for (let i = 0; i < models.length; i++) {
      const e = models[i].usable(idx[i]);
      if (!e) return;
      cost += e.cost;
    }
    heap.push({ cost, idx });
    heap.sort((a, b) => a.cost - b.cost || (a.idx.join(",") < b.idx.join(",") ? -1 : 1));
  };
  push(models.map(() => 0));
  for (let tries = 0; tries < MAX_COMBINATIONS && heap.length > 0; tries++) {
    const top = heap.shift() as { cost: number; idx: number[] };
    const combo = top.idx.map((k, i) => models[i].usable(k) as Choice);
    if (!taken.has(comboKey(combo)) && withinCaps(space, assemble(space, models, combo), top.cost))
      return combo;
    top.idx.forEach((_, i) => {
      push(top.idx.map((k, j) => (j === i ? k + 1 : k)));
    });
  }
  return null;
}

/** The plan's caps and pool ranges, on the nodes per slot (cost: the node costs, an estimate). */
function withinCaps(space: FleetSpace, nodes: number[], cost: number): boolean {
  const { plan, slots, base } = space;
  for (const pp of plan.pools) {
    const total = slots.reduce((a, s) => a + (s.pool === pp.pool ? nodes[s.index] : 0), 0);
    if (total < pp.nodes.min || total > pp.nodes.max || (total - pp.nodes.min) % pp.nodes.step !== 0)
      return false;
  }
  const fleet = fleetScenario(space, nodes, false).fleet.pools;
  const profile = (id: string) => base.profiles.find((p) => p.id === id);
  let all = 0;
  const perRegion = new Map<string, { nodes: number; kw: number }>();
  for (const p of fleet) {
    all += p.nodes;
    const r = perRegion.get(p.region) ?? { nodes: 0, kw: 0 };
    r.nodes += p.nodes;
    r.kw += (p.nodes * (profile(p.profile)?.powerW.peak ?? 0)) / 1000;
    perRegion.set(p.region, r);
  }
  const caps = plan.caps;
  if (caps.nodes !== null && all > caps.nodes) return false;
  for (const [region, max] of Object.entries(caps.nodesPerRegion))
    if ((perRegion.get(region)?.nodes ?? 0) > max) return false;
  for (const [region, max] of Object.entries(caps.powerKwPerRegion))
    if ((perRegion.get(region)?.kw ?? 0) > max) return false;
  if (caps.budgetUsd !== null) {
    const unsized = base.fleet.pools
      .filter((p) => !plan.pools.some((pp) => pp.pool === p.id))
      .reduce((a, p) => {
        const pr = profile(p.profile);
        return a + (pr ? p.nodes * nodeCost(space, pr.id) : 0);
      }, 0);
    if (cost + unsized > caps.budgetUsd) return false;
  }
  return true;
}

function nodeCost(space: FleetSpace, profile: string): number {
  const slot = space.slots.find((s) => s.profile.id === profile);
  return slot?.nodeCostUsd ?? 0;
}

function bindingConstraints(models: ModelSearch[], combo: Choice[]): Map<string, string> {
  const out = new Map<string, string>();
  models.forEach((m, i) => {
    const { nodes, route } = combo[i];
    const reasons: string[] = [];
    m.slots.forEach((_, k) => {
      if (nodes[k] === 0) return;
      const less = nodes.map((n, j) => (j === k ? n - 1 : n));
      const v = m.verdict({ route, nodes: less }) ?? m.plain(route, less);
      if (v && !v.ok) reasons.push(v.reason);
      else if (m.screenFailed.has(keyOf(route, less)))
        reasons.push(`${m.screenFailed.get(keyOf(route, less))} (screen)`);
    });
    out.set(m.model, reasons[0] ?? "the slots' lower bounds (min)");
  });
  return out;
}

function noFleet(space: FleetSpace, models: ModelSearch[]): InputError {
  const stuck = models.find((m) => m.usable(0) === null);
  const last = stuck ? [...stuck.failures()].pop() : undefined;
  // A bound the analyst never set is the likeliest surprise: name it.
  const defaulted = space.plan.pools
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.maxDefaulted && (!stuck || p.models.some((m) => m.model === stuck.model)))
    .map(({ p, i }) => `plan.pools.${i} (${p.pool}) stops at ${p.nodes.max} nodes by default`);
  const hint =
    defaulted.length > 0
      ? `; ${defaulted.join(", ")} (twice today's nodes, at least 4): give nodes.max to search further`
      : "";
  const why = stuck
    ? `${stuck.model}: no node counts within plan.pools meet its targets${last ? ` (last failure: ${last})` : " (they all fail the screen)"}${hint}`
    : `no combination of the models' node counts keeps plan.caps and the pools' node ranges${hint}`;
  return new InputError({
    file: space.base.file || "plan",
    message: `no fleet within the plan's bounds: ${why}`,
  });
}
