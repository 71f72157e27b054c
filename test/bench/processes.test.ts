/** The hot loop's figure over several processes (bench/processes.ts), with injected figures. */
import { describe, expect, it } from "vitest";
import { checkRegression } from "../../bench/gate.js";
import { combineProcesses, median } from "../../bench/processes.js";

const fig = (ratio: number, ratioOfBestRates: number, engine: number, reference: number) => ({
  ratio,
  ratioOfBestRates,
  engineEventsPerS: engine,
  referenceEventsPerS: reference,
});

describe("median", () => {
  it("takes the middle of an odd list and the lower middle of an even one", () => {
    expect(median([0.7, 0.5, 0.6])).toBe(0.6);
    expect(median([0.9, 0.5, 0.6, 0.7])).toBe(0.6);
    expect(median([0.42])).toBe(0.42);
    expect(() => median([])).toThrow(/median of nothing/);
  });
});

describe("combineProcesses", () => {
  it("reads each figure's median on its own and keeps every process's ratios, sorted", () => {
    const c = combineProcesses([
      fig(0.55, 0.54, 4.3e6, 7.8e6),
      fig(0.68, 0.67, 6.8e6, 10e6),
      fig(0.63, 0.6, 4.9e6, 8.1e6),
    ]);
    expect(c.processes).toBe(3);
    expect(c.ratio).toBe(0.63);
    expect(c.ratioOfBestRates).toBe(0.6);
    expect(c.engineEventsPerS).toBe(4.9e6);
    expect(c.referenceEventsPerS).toBe(8.1e6);
    expect(c.ratios).toEqual([0.55, 0.63, 0.68]);
    expect(c.ratiosOfBestRates).toEqual([0.54, 0.6, 0.67]);
  });

  it("lets one slow process not trip the gate, but fails when most processes are slow", () => {
    const baseline = 0.5; // floor 0.375
    const oneSlow = combineProcesses([
      fig(0.3, 0.3, 3e6, 1e7),
      fig(0.6, 0.6, 6e6, 1e7),
      fig(0.62, 0.6, 6e6, 1e7),
    ]);
    expect(checkRegression(oneSlow.ratio, baseline).ok).toBe(true);
    const slowed = combineProcesses([
      fig(0.3, 0.3, 3e6, 1e7),
      fig(0.33, 0.3, 3e6, 1e7),
      fig(0.62, 0.6, 6e6, 1e7),
    ]);
    const v = checkRegression(slowed.ratio, baseline);
    expect(v.ok).toBe(false);
    expect(v.ratio).toBe(0.33);
  });
});
