/** The comparison's statistics against values computed by hand and published t tables. */
import { describe, expect, it } from "vitest";
import type { Summary } from "../../src/billing/summary.js";
import { compareSummaries } from "../../src/compare/compare-summaries.js";
import { excludesZero, meanInterval, pairedDifference } from "../../src/compare/confidence.js";
import { FIGURES } from "../../src/compare/figures.js";
import { studentTCdf, studentTQuantile } from "../../src/compare/t-quantile.js";

describe("Student t quantile", () => {
  // Two-sided 95 % critical values (p = 0.975) from standard t tables, 7 significant digits.
  const table: Array<[number, number]> = [
    [1, 12.7062],
    [2, 4.302653],
    [3, 3.182446],
    [4, 2.776445],
    [9, 2.262157],
    [19, 2.093024],
    [30, 2.042272],
    [120, 1.97993],
  ];
  it.each(table)("t(0.975, %i df) = %f", (df, t) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 5);
  });

  it("matches other levels, is symmetric, and inverts the CDF", () => {
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.812461, 5);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032143, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
    expect(studentTQuantile(0.5, 7)).toBe(0);
    // Large df tends to the normal quantile 1.959964.
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959966, 4);
    // df = 1 is the Cauchy distribution: CDF(t) = 1/2 + atan(t)/pi exactly.
    expect(studentTCdf(3, 1)).toBeCloseTo(0.5 + Math.atan(3) / Math.PI, 12);
    for (const df of [1, 3, 8, 50]) expect(studentTCdf(studentTQuantile(0.9, df), df)).toBeCloseTo(0.9, 10);
  });

  it("refuses a probability outside (0, 1) and non-positive df", () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe("mean and confidence interval", () => {
  it("matches a hand computation", () => {
    // 1..5: mean 3; squares of deviations 4+1+0+1+4 = 10, sd = sqrt(10/4) = 1.5811388;
    // se = sd / sqrt(5) = 0.7071068; half-width = 2.776445 * 0.7071068 = 1.9632432.
    const iv = meanInterval([1, 2, 3, 4, 5])!;
    expect(iv.n).toBe(5);
    expect(iv.mean).toBe(3);
    expect(iv.sd).toBeCloseTo(1.5811388, 6);
    expect(iv.halfWidth).toBeCloseTo(1.9632432, 6);
    expect(iv.low).toBeCloseTo(3 - 1.9632432, 6);
    expect(iv.high).toBeCloseTo(3 + 1.9632432, 6);
  });

  it("has no interval for one value and nothing for none", () => {
    expect(meanInterval([7])).toEqual({ n: 1, mean: 7, sd: null, halfWidth: null, low: null, high: null });
    expect(meanInterval([])).toBeNull();
  });

  it("pairs differences seed by seed and skips undefined pairs", () => {
    // B - A = [1, 2, 6] (the null pair is dropped): mean 3; deviations -2, -1, 3 -> sd = sqrt(14/2)
    // = 2.6457513; se = 2.6457513 / sqrt(3) = 1.5275252; half-width = 4.302653 * 1.5275252 = 6.5724109.
    const d = pairedDifference([1, 2, 3, null], [2, 4, 9, 5])!;
    expect(d.n).toBe(3);
    expect(d.mean).toBe(3);
    expect(d.halfWidth).toBeCloseTo(6.5724109, 5);
    expect(excludesZero(d)).toBe(false);
    // A constant shift has zero spread: an interval of width 0 that excludes 0.
    const shift = pairedDifference([10, 20, 30], [11, 21, 31])!;
    expect(shift.halfWidth).toBeCloseTo(0, 12);
    expect(excludesZero(shift)).toBe(true);
  });
});

describe("compareSummaries", () => {
  const summary = (seed: number, revenueUsd: number, marginPct: number | null): Summary =>
    ({
      scenario: "x",
      seed,
      revenue: revenueUsd * 1e6,
      cost: 0,
      margin: 0,
      marginPct,
      utilization: 0.5,
      sloAttainment: 1,
      revenueHhi: 1,
      jainFairness: 1,
      busyFraction: 0.9,
      computeUtilization: 0.1,
      goodputOutputTokens: 1000,
      latency: { ttftS: [0.1, 0.2, 0.3], tpotS: [0.01, 0.02, 0.03], e2eS: [1, 2, 3] },
    }) as Summary;

  it("gives A, B and B - A per figure from runs paired by seed", () => {
    const a = [summary(1, 100, 0.1), summary(2, 110, null), summary(3, 120, 0.3)];
    const b = [summary(1, 130, 0.2), summary(2, 150, 0.25), summary(3, 140, 0.4)];
    const rows = compareSummaries(a, b);
    expect(rows.map((r) => r.figure.id)).toEqual(FIGURES.map((f) => f.id));
    const rev = rows.find((r) => r.figure.id === "revenue_usd")!;
    expect(rev.a!.mean).toBeCloseTo(110, 9);
    expect(rev.b!.mean).toBeCloseTo(140, 9);
    // Differences 30, 40, 20: mean 30, sd 10, half-width 4.302653 * 10 / sqrt(3) = 24.841377.
    expect(rev.diff!.mean).toBeCloseTo(30, 9);
    expect(rev.diff!.halfWidth).toBeCloseTo(24.841377, 5);
    const pct = rows.find((r) => r.figure.id === "margin_pct")!;
    expect(pct.a!.n).toBe(2); // the run without revenue has no margin %
    expect(pct.diff!.n).toBe(2);
    expect(pct.diff!.mean).toBeCloseTo(0.1, 12);
    expect(rows.find((r) => r.figure.id === "utilization")!.diff!.halfWidth).toBe(0);
    // Percentiles are read in their reported units: TPOT in ms.
    expect(rows.find((r) => r.figure.id === "tpot_p99_ms")!.a!.mean).toBeCloseTo(30, 9);
    expect(rows.find((r) => r.figure.id === "ttft_p90_s")!.b!.mean).toBeCloseTo(0.2, 12);
  });

  it("refuses runs that are not paired by seed", () => {
    expect(() => compareSummaries([summary(1, 1, null)], [summary(2, 1, null)])).toThrow(/seed/);
  });
});
