/**
 * Brute force over a routing grid: test/fixtures/plan/mmc-share-grid.yaml searches the share of a
 * model's requests sent to a cheap, capped pool (0, 0.25, 0.5, 0.75, 1) with both pools' node
 * counts. Every (share, nodes) point of the grid is run request by request over the plan's seeds
 * with the confirmation's own check (confirm.ts: every target met in every seed), without the
 * screen or monotonicity; the plan must be a cheapest feasible point, and one node fewer in either
 * pool at its share must break the target. The shares 0 and 1 are in the grid: at 1 with no cheap
 * node (or 0 with no dear one) the router sends everything to the other pool. The same over a grid
 * of prompt-length thresholds (test/fixtures/plan/mmc-threshold-grid.yaml). Both answers split the
 * load over the two pools.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { planScenario } from "../../src/api/plan.js";
import { confirmFleet } from "../../src/plan/confirm.js";
import { fleetScenario, fleetSpace } from "../../src/plan/fleet-space.js";
import { loadScenario } from "../../src/scenario/load.js";

const fixture = (name: string) => resolve(import.meta.dirname, "../fixtures/plan", name);

describe("plan with a searched routing against an exhaustive search of the grid", () => {
  it.each([
    ["share", "mmc-share-grid.yaml", [0, 0.25, 0.5, 0.75, 1]],
    ["prompt-length threshold", "mmc-threshold-grid.yaml", [100, 250, 500, 750, 1000]],
  ])(
    "%s: returns a cheapest feasible (value, nodes) point, and one node fewer breaks it",
    async (kind, name, grid) => {
      const s = await loadScenario(fixture(name));
      const space = fleetSpace(s);
      const seeds = Array.from({ length: space.plan.seeds }, (_, i) => s.seed + i);
      const [cheap, dear] = space.slots;
      const values = space.plan.routing[0].values;
      expect(values).toEqual(grid);
      const runs = new Map<string, boolean>();
      const feasible = async (v: number, nodes: number[]) => {
        const key = `${v}:${nodes.join(",")}`;
        let ok = runs.get(key);
        if (ok === undefined) {
          const r = await confirmFleet(fleetScenario(space, nodes, true, [v]), space.plan.targets, { seeds });
          ok = r.targets.every((t) => t.missed === null);
          runs.set(key, ok);
        }
        return ok;
      };
      const cost = (nodes: number[]) => nodes[0] * cheap.nodeCostUsd + nodes[1] * dear.nodeCostUsd;
      const points: Array<{ v: number; nodes: number[]; cost: number; ok: boolean }> = [];
      for (let v = 0; v < values.length; v++)
        for (let a = cheap.range.min; a <= cheap.range.max; a++)
          for (let b = dear.range.min; b <= dear.range.max; b++)
            points.push({ v, nodes: [a, b], cost: cost([a, b]), ok: await feasible(v, [a, b]) });
      const ok = points.filter((p) => p.ok);
      const least = Math.min(...ok.map((p) => p.cost));
      const best = ok.filter((p) => p.cost === least);
      const plan = await planScenario(s);
      const about = `best ${best.map((p) => `${values[p.v]}:${p.nodes}`).join(" ")}; plan ${values[plan.routes[0]]}:${plan.nodes}`;
      // not trivial: some points fail; the answer splits (neither all on one pool)
      expect(ok.length).toBeGreaterThan(0);
      expect(ok.length).toBeLessThan(points.length);
      expect(
        best.map((p) => [p.v, ...p.nodes]),
        about,
      ).toContainEqual([plan.routes[0], ...plan.nodes]);
      expect(
        plan.nodes.every((n) => n > 0),
        about,
      ).toBe(true);
      if (process.env.PLAN_BRUTE_TABLE) console.log(kind, about, `${ok.length} of ${points.length} feasible`);
      for (let k = 0; k < 2; k++) {
        const less = plan.nodes.map((n, j) => (j === k ? n - 1 : n));
        expect(await feasible(plan.routes[0], less), `${about}; one fewer in slot ${k}`).toBe(false);
      }
      // fleets with no cheap node are the same fleet at every value: confirmed once, listed per value
      const confirms = plan.candidates.filter((c) => c.stage === "confirm");
      const noCheap = confirms.filter((c) => c.nodes[0] === 0);
      expect(noCheap.length, about).toBeGreaterThan(1);
      expect(new Set(noCheap.map((c) => c.routes[0])).size, about).toBeGreaterThan(1);
      const distinct = new Set(confirms.map((c) => c.result));
      expect(plan.runs).toBe(distinct.size * seeds.length);
      expect(distinct.size).toBeLessThan(confirms.length);
      // the ends: with no cheap node every value sends everything to the dear pool, so all agree
      for (let b = dear.range.min; b <= dear.range.max; b++)
        expect(await feasible(values.length - 1, [0, b]), `dear ${b}`).toBe(await feasible(0, [0, b]));
      expect(await feasible(0, [0, 0])).toBe(false);
    },
    120_000,
  );
});
