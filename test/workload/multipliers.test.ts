import { describe, expect, it } from "vitest";
import { createSource } from "../../src/workload/create-source.js";
import { arrivalTimes, context, isNonDecreasing, poisson, workload } from "./helpers.js";

const horizon = 20_000;
const at = 10_000;

function countsBeforeAfter(times: Float64Array): [number, number] {
  let before = 0;
  for (const t of times) if (t < at) before++;
  return [before, times.length - before];
}

describe("load multipliers on poisson arrivals", () => {
  const base = arrivalTimes(createSource(workload(poisson(10)), context(horizon)));

  it("a factor 0.6 from t cuts the arrivals after t to 60 %", () => {
    const cut = arrivalTimes(
      createSource(workload(poisson(10)), context(horizon, { multipliers: [{ at, factor: 0.6 }] })),
    );
    const [b, a] = countsBeforeAfter(cut);
    // Counts ~100,000 and ~60,000: relative SE of the ratio sqrt(1/1e5 + 1/6e4) = 0.52 %; 4 SE ~ 2.1 %.
    expect(Math.abs(a / b / 0.6 - 1)).toBeLessThan(0.021);
    expect(isNonDecreasing(cut)).toBe(true);
  });

  it("thinning keeps a subset: identical before t, and every later arrival is one of the baseline's", () => {
    const cut = arrivalTimes(
      createSource(workload(poisson(10)), context(horizon, { multipliers: [{ at, factor: 0.6 }] })),
    );
    const baseSet = new Set(base);
    const [bBase] = countsBeforeAfter(base);
    const [bCut] = countsBeforeAfter(cut);
    expect(bCut).toBe(bBase);
    let foreign = 0;
    for (const t of cut) if (!baseSet.has(t)) foreign++;
    expect(foreign).toBe(0);
    expect(cut.length).toBeLessThan(base.length);
  });

  it("a factor 1.5 raises the arrivals after t by half", () => {
    const up = arrivalTimes(
      createSource(workload(poisson(10)), context(horizon, { multipliers: [{ at, factor: 1.5 }] })),
    );
    const [b, a] = countsBeforeAfter(up);
    // Counts ~100,000 and ~150,000: relative SE sqrt(1/1e5 + 1/1.5e5) = 0.41 %; 4 SE ~ 1.7 %.
    expect(Math.abs(a / b / 1.5 - 1)).toBeLessThan(0.017);
  });

  it("multipliers are cumulative and a factor 0 ends the workload", () => {
    const m = [
      { at: 5000, factor: 0.5 },
      { at: 10_000, factor: 0.5 },
      { at: 15_000, factor: 0 },
    ];
    const times = arrivalTimes(createSource(workload(poisson(10)), context(horizon, { multipliers: m })));
    const count = (lo: number, hi: number) => times.filter((t) => t >= lo && t < hi).length;
    // Expected 50,000 / 25,000 / 12,500 / 0; SE of each ratio < 1.1 %; 4 SE ~ 4.4 %.
    expect(Math.abs(count(5000, 10_000) / count(0, 5000) - 0.5)).toBeLessThan(0.5 * 0.044);
    expect(Math.abs(count(10_000, 15_000) / count(0, 5000) - 0.25)).toBeLessThan(0.25 * 0.044);
    expect(count(15_000, horizon)).toBe(0);
  });
});

describe("load multipliers on constant arrivals", () => {
  it("scale the integrated rate exactly: counts within one arrival", () => {
    const spec = { process: "constant" as const, ratePerS: 2, diurnal: null, growthPerMonth: 0 };
    const times = arrivalTimes(
      createSource(workload(spec), context(horizon, { multipliers: [{ at, factor: 0.6 }] })),
    );
    const [b, a] = countsBeforeAfter(times);
    expect(Math.abs(b - 20_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(a - 12_000)).toBeLessThanOrEqual(1);
    let worst = 0;
    for (let i = 1; i < times.length; i++) {
      if (times[i - 1] > at) worst = Math.max(worst, Math.abs(times[i] - times[i - 1] - 1 / 1.2));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});
