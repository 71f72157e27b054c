/**
 * Confirmation seeds run side by side on worker threads (confirm.ts through the simulations'
 * thread pool): plan.csv and plan.yaml are the same bytes with 1 and 2 workers, on a case with two
 * pools, two models, residency and an outage to survive (3 seeds, so 2 workers share them unevenly).
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { confirmFleet } from "../../src/plan/confirm.js";
import { fleetScenario, fleetSpace } from "../../src/plan/fleet-space.js";
import { planCsv, planYaml } from "../../src/plan/plan-files.js";
import { planFleet } from "../../src/plan/search.js";
import { loadScenario } from "../../src/scenario/load.js";

const FILE = resolve(import.meta.dirname, "../fixtures/plan/brute-outage.yaml");

describe("plan with worker threads", () => {
  it("writes the same plan.csv and plan.yaml with 1 and 2 workers", async () => {
    const s = await loadScenario(FILE);
    const one = await planFleet(s, { workers: 1, seeds: 3 });
    const two = await planFleet(s, { workers: 2, seeds: 3 });
    expect(one.candidates.filter((c) => c.stage === "confirm").length).toBeGreaterThan(1);
    expect(planCsv(two)).toBe(planCsv(one));
    expect(planYaml(two, "results/plan")).toBe(planYaml(one, "results/plan"));
  }, 120_000);

  it("confirms a fleet to the same figures with 1 and 2 workers when the worker does take a seed", async () => {
    // Runs of a day's traffic (about a second each) outlast a worker's start, so the second thread
    // runs the second seed; its result must come back in its place.
    const s = await loadScenario(FILE, { horizon: "24h" });
    const space = fleetSpace(s);
    const fleet = fleetScenario(
      space,
      space.slots.map((x) => x.range.max),
    );
    const seeds = [s.seed, s.seed + 1];
    const one = await confirmFleet(fleet, space.plan.targets, { seeds, workers: 1 });
    const two = await confirmFleet(fleet, space.plan.targets, { seeds, workers: 2 });
    expect(two).toEqual(one);
    // the seeds differ: a thread running the wrong seed would show
    expect(one.costUsd.halfWidth).toBeGreaterThan(0);
  }, 120_000);
});
