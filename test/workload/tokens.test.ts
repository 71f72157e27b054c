import { describe, expect, it } from "vitest";
import { deriveStream } from "../../src/engine/random.js";
import { InputError } from "../../src/errors.js";
import type { TokenDist } from "../../src/scenario/types.js";
import { tokenMean } from "../../src/workload/token-mean.js";
import { createTokenSampler } from "../../src/workload/token-sampler.js";
import { fixture, meanAndVariance } from "./helpers.js";

const N = 200_000;

function sample(dist: TokenDist, n = N): Float64Array {
  const s = createTokenSampler(dist, deriveStream(7, "tokens-test", dist.dist));
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = s.draw();
  return xs;
}

function fraction(xs: Float64Array, pred: (x: number) => boolean): number {
  let k = 0;
  for (const x of xs) if (pred(x)) k++;
  return k / xs.length;
}

const maxOf = (xs: Float64Array) => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
const minOf = (xs: Float64Array) => xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const allWhole = (xs: Float64Array) => xs.every((x) => Number.isInteger(x) && x >= 1);

describe("lognormal tokens", () => {
  const xs = sample({ dist: "lognormal", median: 1020, p90: 4200, max: null });

  it("recovers the median and the 90th percentile", () => {
    // Binomial fractions with n = 2e5: SE sqrt(.25/n) = 0.0011 and sqrt(.09/n) = 0.00067; 4 SE.
    // (Rounding moves P(X <= 1020) by ~2e-4 only.)
    expect(Math.abs(fraction(xs, (x) => x <= 1020) - 0.5)).toBeLessThan(0.0045);
    expect(Math.abs(fraction(xs, (x) => x <= 4200) - 0.9)).toBeLessThan(0.0027);
    expect(allWhole(xs)).toBe(true);
  });

  it("has the analytic mean (exp(mu + sigma^2 / 2) up to rounding)", () => {
    // sigma = ln(4200/1020)/1.2816 = 1.104; the sample mean's SE is sd/sqrt(n) with
    // sd = mean * sqrt(exp(sigma^2) - 1) = 1.58 * mean: 0.35 % of the mean; 5 SE = 1.8 %
    // (a heavy tail: 5 rather than 4).
    const { mean } = meanAndVariance(xs);
    const analytic = tokenMean({ dist: "lognormal", median: 1020, p90: 4200, max: null });
    const sigma = Math.log(4200 / 1020) / 1.2815515655446004;
    expect(analytic).toBeCloseTo(1020 * Math.exp((sigma * sigma) / 2), -1);
    expect(Math.abs(mean / analytic - 1)).toBeLessThan(0.018);
  });

  it("respects the cap, and the capped analytic mean matches the sample", () => {
    const capped = sample({ dist: "lognormal", median: 1020, p90: 4200, max: 2000 });
    expect(maxOf(capped)).toBe(2000);
    // P(X > 2000) = P(Z > ln(2000/1020)/1.104) ~ 0.27.
    expect(fraction(capped, (x) => x === 2000)).toBeGreaterThan(0.2);
    // Capped draws have sd < 700: SE of the mean < 1.6 tokens; 4 SE ~ 6.4.
    const { mean } = meanAndVariance(capped);
    expect(
      Math.abs(mean - tokenMean({ dist: "lognormal", median: 1020, p90: 4200, max: 2000 })),
    ).toBeLessThan(6.4);
  });
});

describe("exponential tokens", () => {
  it("has the given mean, and the analytic mean of the rounded draws", () => {
    const xs = sample({ dist: "exponential", mean: 200, max: null });
    const { mean } = meanAndVariance(xs);
    // SE = 200 / sqrt(2e5) = 0.45; 4 SE = 1.8.
    expect(Math.abs(mean - 200)).toBeLessThan(1.8);
    expect(Math.abs(mean - tokenMean({ dist: "exponential", mean: 200, max: null }))).toBeLessThan(1.8);
    expect(allWhole(xs)).toBe(true);
  });

  it("is at least 1 even for a tiny mean, and the analytic mean counts that floor", () => {
    const xs = sample({ dist: "exponential", mean: 0.3, max: null });
    expect(minOf(xs)).toBe(1);
    const { mean, variance } = meanAndVariance(xs);
    // 4 SE of the sample mean.
    expect(Math.abs(mean - tokenMean({ dist: "exponential", mean: 0.3, max: null }))).toBeLessThan(
      4 * Math.sqrt(variance / N),
    );
  });

  it("the capped analytic mean matches the sample", () => {
    const dist: TokenDist = { dist: "exponential", mean: 50, max: 60 };
    const xs = sample(dist);
    expect(maxOf(xs)).toBe(60);
    const { mean, variance } = meanAndVariance(xs);
    expect(Math.abs(mean - tokenMean(dist))).toBeLessThan(4 * Math.sqrt(variance / N));
  });
});

describe("uniform, constant and empirical tokens", () => {
  it("uniform covers every whole token from min to max inclusive, evenly", () => {
    const xs = sample({ dist: "uniform", min: 10, max: 20 });
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // Each share ~ 1/11, binomial SE sqrt(p(1-p)/n) = 0.00064; 5 SE (11 cells at once).
    for (const c of counts.values()) expect(Math.abs(c / N - 1 / 11)).toBeLessThan(0.0032);
    expect(tokenMean({ dist: "uniform", min: 10, max: 20 })).toBe(15);
  });

  it("uniform values below 1 are drawn as 1", () => {
    const xs = sample({ dist: "uniform", min: 0, max: 3 });
    expect(minOf(xs)).toBe(1);
    expect(tokenMean({ dist: "uniform", min: 0, max: 3 })).toBe((1 + 1 + 2 + 3) / 4);
  });

  it("constant is rounded and capped", () => {
    expect(sample({ dist: "constant", value: 99.6, max: null }, 3)).toEqual(
      Float64Array.from([100, 100, 100]),
    );
    expect(sample({ dist: "constant", value: 500, max: 300 }, 2)).toEqual(Float64Array.from([300, 300]));
    expect(tokenMean({ dist: "constant", value: 0, max: null })).toBe(1);
  });

  it("empirical samples the column uniformly (values rounded, at least 1)", () => {
    const dist: TokenDist = {
      dist: "empirical",
      file: fixture("empirical-tokens.csv"),
      column: "tokens",
      max: null,
    };
    const xs = sample(dist);
    expect([...new Set(xs)].sort((a, b) => a - b)).toEqual([1, 100, 200, 300]);
    // Each of 4 values ~ 1/4: SE 0.00097; 5 SE.
    expect(Math.abs(fraction(xs, (x) => x === 300) - 0.25)).toBeLessThan(0.005);
    expect(tokenMean(dist)).toBe((100 + 200 + 300 + 1) / 4);
  });

  it("empirical: a bad value or a missing column is an InputError naming file:line and column", () => {
    const bad = fixture("empirical-bad.csv");
    expect(() => sample({ dist: "empirical", file: bad, column: "tokens", max: null })).toThrow(InputError);
    expect(() => sample({ dist: "empirical", file: bad, column: "tokens", max: null })).toThrow(
      `${bad}:3 tokens: must be a number of tokens >= 0, got "abc"`,
    );
    expect(() => sample({ dist: "empirical", file: bad, column: "nope", max: null })).toThrow(
      `${bad}:1 nope: no such column`,
    );
    expect(() => sample({ dist: "empirical", file: fixture("absent.csv"), column: "x", max: null })).toThrow(
      InputError,
    );
  });
});
