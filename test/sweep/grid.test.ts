/** --vary parsing, the grid's order and its stable run indexes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expandGrid, runOf, variantCount } from "../../src/sweep/grid.js";
import { parseVaryAxes, splitTopLevel } from "../../src/sweep/vary.js";
import { inputErrorMessage } from "../support/input-error.js";

describe("--vary", () => {
  it("splits values on top-level commas only", () => {
    expect(splitTopLevel("1,2, 3")).toEqual(["1", "2", " 3"]);
    expect(splitTopLevel('[a, b],{x: 1, y: 2},\'c,d\',"e,\\"f"')).toEqual([
      "[a, b]",
      "{x: 1, y: 2}",
      "'c,d'",
      '"e,\\"f"',
    ]);
  });

  it("keeps paths and trimmed values in the order given", () => {
    expect(
      parseVaryAxes(["scheduler.max_batch=1, 2,4", "tenants.a.workloads.0.arrival.rate_per_s=0.5"]),
    ).toEqual([
      { path: "scheduler.max_batch", values: ["1", "2", "4"] },
      { path: "tenants.a.workloads.0.arrival.rate_per_s", values: ["0.5"] },
    ]);
  });

  it("refuses malformed entries with a message naming --vary", () => {
    expect(inputErrorMessage(() => parseVaryAxes(["scheduler.max_batch"]))).toMatch(
      /^--vary: expected PATH=V1,V2/,
    );
    expect(inputErrorMessage(() => parseVaryAxes(["a..b=1"]))).toMatch(/empty segment/);
    expect(inputErrorMessage(() => parseVaryAxes(["a=1,,2"]))).toMatch(/value 2 is empty/);
    expect(inputErrorMessage(() => parseVaryAxes(["a=[1"]))).toMatch(/value 1 is not valid YAML/);
    expect(inputErrorMessage(() => parseVaryAxes(["a=1,1"]))).toMatch(/listed twice/);
    expect(inputErrorMessage(() => parseVaryAxes(["a=1", "a=2"]))).toMatch(/a is varied twice/);
    expect(inputErrorMessage(() => parseVaryAxes(["seed=1,2"]))).toMatch(/--seeds/);
  });
});

describe("the grid", () => {
  const axes = parseVaryAxes(["x=a,b", "y=1,2,3"]);

  it("is the product of the axes, the first slowest, times seeds 1..N, variant-major", () => {
    const runs = expandGrid(axes, 2);
    expect(variantCount(axes)).toBe(6);
    expect(runs).toHaveLength(12);
    expect(runs.map((r) => [r.run, r.variant, r.seed, ...r.values])).toEqual([
      [0, 0, 1, "a", "1"],
      [1, 0, 2, "a", "1"],
      [2, 1, 1, "a", "2"],
      [3, 1, 2, "a", "2"],
      [4, 2, 1, "a", "3"],
      [5, 2, 2, "a", "3"],
      [6, 3, 1, "b", "1"],
      [7, 3, 2, "b", "1"],
      [8, 4, 1, "b", "2"],
      [9, 4, 2, "b", "2"],
      [10, 5, 1, "b", "3"],
      [11, 5, 2, "b", "3"],
    ]);
    expect(runs[9].sets).toEqual(["x=b", "y=2"]);
  });

  it("gives every (variant, seed) pair exactly one index, run = variant * seeds + seed - 1", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 5 }),
        (sizes, seeds) => {
          const ax = sizes.map((n, k) => ({
            path: `p${k}`,
            values: Array.from({ length: n }, (_, i) => `${i}`),
          }));
          const runs = expandGrid(ax, seeds);
          const combos = new Set(runs.map((r) => `${r.values.join("|")}#${r.seed}`));
          expect(combos.size).toBe(runs.length);
          expect(runs.length).toBe(sizes.reduce((a, b) => a * b, 1) * seeds);
          for (const r of runs) {
            expect(r.run).toBe(r.variant * seeds + r.seed - 1);
            expect(runOf(ax, seeds, r.run)).toEqual(r);
          }
        },
      ),
    );
  });
});
