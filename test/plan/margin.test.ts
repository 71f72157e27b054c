/**
 * objective margin ranks fleets by margin (revenue - cost), not by cost. In
 * test/fixtures/plan/mmc-margin.yaml a tenant without an slo pays a high token price and a small
 * fleet turns most of its requests away, so every node up to about its demand earns more than it
 * costs: the fleet with the most margin is larger than the cheapest one meeting the targets. The
 * answer is checked against every node count of the grid, each run over the plan's seeds with the
 * confirmation's own check and margin.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { confirmFleet } from "../../src/plan/confirm.js";
import { fleetScenario, fleetSpace } from "../../src/plan/fleet-space.js";
import { planFleet } from "../../src/plan/search.js";
import { loadScenario } from "../../src/scenario/load.js";

const FILE = resolve(import.meta.dirname, "../fixtures/plan/mmc-margin.yaml");

describe("plan with objective margin", () => {
  it("returns the feasible fleet of most margin, not the cheapest", async () => {
    const s = await loadScenario(FILE);
    const space = fleetSpace(s);
    const seeds = Array.from({ length: space.plan.seeds }, (_, i) => s.seed + i);
    const grid: Array<{ n: number; margin: number; ok: boolean }> = [];
    const range = space.slots[0].range;
    for (let n = range.min; n <= range.max; n++) {
      const r = await confirmFleet(fleetScenario(space, [n]), space.plan.targets, { seeds });
      grid.push({ n, margin: r.marginUsd.mean, ok: r.targets.every((t) => t.missed === null) });
    }
    const feasible = grid.filter((g) => g.ok);
    const best = feasible.reduce((a, g) => (g.margin > a.margin ? g : a));
    const about = grid.map((g) => `${g.n}: ${g.margin.toFixed(2)} ${g.ok ? "ok" : "fails"}`).join("\n");
    // not trivial: the most margin is neither at the grid's largest nor at its smallest fleet
    expect(best.n, about).toBeLessThan(range.max);
    expect(best.n, about).toBeGreaterThan(range.min);
    const byMargin = await planFleet(s);
    expect(byMargin.nodes, about).toEqual([best.n]);
    expect(byMargin.result.marginUsd.mean).toBe(best.margin);
    // the same question by cost: a cheaper fleet, earning less
    const byCost = await planFleet({ ...s, plan: { ...space.plan, objective: "cost" } });
    expect(byCost.nodes[0], about).toBeLessThan(best.n);
    expect(byCost.result.marginUsd.mean).toBeLessThan(byMargin.result.marginUsd.mean);
    expect(byCost.result.costUsd.mean).toBeLessThan(byMargin.result.costUsd.mean);
  }, 60_000);
});
