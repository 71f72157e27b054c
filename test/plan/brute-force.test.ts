/**
 * Brute force: on small heterogeneous cases (pools of two profiles in two regions, two models, a
 * tenant whose work must stay in one region, an outage to survive) `plan` returns the cheapest
 * feasible point of an exhaustive search of the same grid, and one node fewer in any slot (pool x
 * model) of its choice breaks a target.
 *
 * The exhaustive search is built here from fleetsim's own pieces, not from the planner's search:
 * every node-count combination within plan.pools is run request by request over the plan's seeds
 * (confirm.ts, the check the planner's confirmation uses: every target met in every seed), with
 * the outages to survive on the timeline (fleetScenario), and the cheapest feasible point by node
 * cost is the answer. It uses neither the screen nor monotonicity nor the split by model, which
 * are exactly what it checks.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { planScenario } from "../../src/api/plan.js";
import { confirmFleet } from "../../src/plan/confirm.js";
import { type FleetSpace, fleetScenario, fleetSpace } from "../../src/plan/fleet-space.js";
import { loadScenario } from "../../src/scenario/load.js";
import type { PlanSpec, Scenario } from "../../src/scenario/types.js";

const fixture = (name: string) => resolve(import.meta.dirname, "../fixtures/plan", name);

interface Point {
  nodes: number[];
  cost: number;
  /** The first target missed in some seed, in words; null when all are met. */
  missed: string | null;
}

/** Every count vector of the slots' ranges (min, min + step, ... max). */
function grid(space: FleetSpace): number[][] {
  let out: number[][] = [[]];
  for (const s of space.slots) {
    const values: number[] = [];
    for (let n = s.range.min; n <= s.range.max; n += s.range.step) values.push(n);
    out = out.flatMap((v) => values.map((n) => [...v, n]));
  }
  return out.filter((nodes) =>
    space.plan.pools.every((pp) => {
      const total = space.slots.reduce((a, s) => a + (s.pool === pp.pool ? nodes[s.index] : 0), 0);
      return total >= pp.nodes.min && total <= pp.nodes.max && (total - pp.nodes.min) % pp.nodes.step === 0;
    }),
  );
}

class BruteForce {
  readonly space: FleetSpace;
  readonly seeds: number[];
  /** Every target missed in some seed, per count vector run. */
  private readonly runs = new Map<string, string[]>();

  constructor(readonly scenario: Scenario) {
    this.space = fleetSpace(scenario);
    this.seeds = Array.from({ length: this.space.plan.seeds }, (_, i) => scenario.seed + i);
  }

  cost(nodes: readonly number[]): number {
    return this.space.slots.reduce((a, s) => a + nodes[s.index] * s.nodeCostUsd, 0);
  }

  /** Every target missed in some seed with exactly these nodes (outages to survive included). */
  async plainMisses(nodes: readonly number[]): Promise<string[]> {
    const key = nodes.join(",");
    let misses = this.runs.get(key);
    if (!misses) {
      const r = await confirmFleet(fleetScenario(this.space, [...nodes]), this.space.plan.targets, {
        seeds: this.seeds,
      });
      misses = r.targets.flatMap((t) =>
        t.missed === null ? [] : [`${t.target.tenant} / ${t.target.model}: ${t.missed}`],
      );
      this.runs.set(key, misses);
    }
    return misses;
  }

  async plainMiss(nodes: readonly number[]): Promise<string | null> {
    return (await this.plainMisses(nodes))[0] ?? null;
  }

  /** The plan's feasibility: plainly, and with any_node, also with one node fewer in any slot. */
  async miss(nodes: readonly number[]): Promise<string | null> {
    const own = await this.plainMiss(nodes);
    if (own !== null || !this.space.plan.anyNode) return own;
    for (const s of this.space.slots) {
      if (nodes[s.index] === 0) continue;
      const less = nodes.map((n, j) => (j === s.index ? n - 1 : n));
      const m = await this.plainMiss(less);
      if (m !== null) return `with one ${s.pool} node down: ${m}`;
    }
    return null;
  }

  async all(): Promise<Point[]> {
    const out: Point[] = [];
    for (const nodes of grid(this.space))
      out.push({ nodes, cost: this.cost(nodes), missed: await this.miss(nodes) });
    return out;
  }
}

interface Case {
  brute: BruteForce;
  points: Point[];
  feasible: Point[];
  best: Point[];
  chosen: number[];
  cost: number;
}

/** Runs the exhaustive search and the planner on one scenario and checks they agree. */
async function agree(s: Scenario, label: string): Promise<Case> {
  const brute = new BruteForce(s);
  const points = await brute.all();
  const feasible = points.filter((p) => p.missed === null);
  const cheapest = Math.min(...feasible.map((p) => p.cost));
  const best = feasible.filter((p) => p.cost === cheapest);
  const plan = await planScenario(s);
  const table = points
    .map((p) => `${p.nodes.join(",")}  ${p.cost.toFixed(3)}  ${p.missed ?? "ok"}`)
    .join("\n");
  const about = `${label}: slots ${brute.space.slots.map((x) => `${x.pool}:${x.model}`).join(" ")}\n${table}\nplan ${plan.nodes.join(",")}`;
  if (process.env.PLAN_BRUTE_TABLE) console.log(about);
  // not trivial: some fleets of the grid fail, some pass
  expect(feasible.length, about).toBeGreaterThan(0);
  expect(feasible.length, about).toBeLessThan(points.length);
  // the plan is a cheapest feasible point of the grid (ties: any of them)
  expect(
    best.map((p) => p.nodes),
    about,
  ).toContainEqual(plan.nodes);
  // one node fewer in any slot of the choice breaks a target (in the grid or just below its min)
  for (const slot of brute.space.slots) {
    if (plan.nodes[slot.index] === 0) continue;
    const less = plan.nodes.map((n, j) => (j === slot.index ? n - 1 : n));
    expect(await brute.miss(less), `${label}: ${slot.pool}:${slot.model} one fewer\n${about}`).not.toBeNull();
  }
  return { brute, points, feasible, best, chosen: plan.nodes, cost: cheapest };
}

const load = (name: string) => loadScenario(fixture(name));
const slotOf = (c: Case, pool: string, model: string) =>
  c.brute.space.slots.findIndex((x) => x.pool === pool && x.model === model);

describe("plan against an exhaustive search of the same grid", () => {
  it("brute-outage: three pools, two profiles, two models, eu residency, half of us-big out 3 min", async () => {
    const s = await load("brute-outage.yaml");
    const withOutage = await agree(s, "brute-outage");
    // the outage binds: without it the cheapest fleet is cheaper, and the planner finds that one too
    const plain = await agree(
      { ...s, plan: { ...(s.plan as PlanSpec), surviveEvents: [] } },
      "brute-outage, no outage",
    );
    expect(plain.cost).toBeLessThan(withOutage.cost);
  }, 120_000);

  it("brute-any-node: two pools, two profiles, two models, eu residency, any one node down", async () => {
    const s = await load("brute-any-node.yaml");
    const anyNode = await agree(s, "brute-any-node");
    // residency binds: with no eu-big node on chat-b, eu-bank's chat-b fails though us-small serves it
    const euB = slotOf(anyNode, "eu-big", "chat-b");
    const usB = slotOf(anyNode, "us-small", "chat-b");
    const noEu = anyNode.points.filter((p) => p.nodes[euB] === 0 && p.nodes[usB] > 0);
    expect(noEu.length).toBeGreaterThan(0);
    for (const p of noEu) {
      const misses = await anyNode.brute.plainMisses(p.nodes);
      expect(
        misses.some((m) => m.startsWith("eu-bank / chat-b:")),
        misses.join("; "),
      ).toBe(true);
    }
    // any_node binds: without it the cheapest fleet is cheaper, and the planner finds that one too
    const plain = await agree(
      { ...s, plan: { ...(s.plan as PlanSpec), anyNode: false } },
      "brute-any-node, no any_node",
    );
    expect(plain.cost).toBeLessThan(anyNode.cost);
  }, 120_000);
});
