/**
 * Autoscaled runs are deterministic (issue #24): the same scenario and seed give the same bytes in
 * every file, scaling.csv included, with provisioning delays and spot lifetimes drawn; another seed
 * gives other decisions.
 */
import { describe, expect, it } from "vitest";
import { runScenario } from "../support/run-scenario.js";

const WALL_CLOCK = /"(wall_seconds|events_per_second)": [^,\n]+/g;
const comparable = (files: Map<string, string>) =>
  new Map([...files].map(([k, v]) => [k, k === "summary.json" ? v.replace(WALL_CLOCK, '"$1": 0') : v]));

describe("autoscaler: determinism", () => {
  it.each([["request"], ["fluid"]] as const)("same seed, same bytes (%s)", async (fidelity) => {
    const file = "test/fixtures/autoscaling/spot-reclaim.yaml";
    const opts = { set: ["fleet.pools.0.scaling.provisioning_cv=0.5"], fidelity };
    const a = comparable((await runScenario(file, opts)).files());
    const b = comparable((await runScenario(file, opts)).files());
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
    expect(a.get("scaling.csv")!.split("\n").length).toBeGreaterThan(20);
    const c = comparable((await runScenario(file, { ...opts, seed: 9 })).files());
    expect(c.get("scaling.csv")).not.toBe(a.get("scaling.csv"));
  });
});
