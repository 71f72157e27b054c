/**
 * The exact mean of a token distribution as drawn (rounded, at least 1, capped), analytic where
 * the distribution allows. For Y = min(cap, max(1, round(X))), an integer in [1, cap]:
 *   E[Y] = 1 + sum_{k=2}^{cap} P(Y >= k) = 1 + sum_{k=2}^{cap} P(X >= k - 1/2).
 */

import { normalTail } from "../normal-tail.js";
import type { TokenDist } from "../scenario/types.js";
import { loadEmpiricalValues } from "./empirical-values.js";
import { lognormalParams, tokenCap, uniformRange } from "./token-sampler.js";

/** Terms summed one by one for a lognormal; beyond, the sum is replaced by its integral. */
const LOGNORMAL_TERMS = 20_000;

export function tokenMean(dist: TokenDist): number {
  const cap = tokenCap(dist);
  switch (dist.dist) {
    case "constant":
      return Math.min(cap, Math.max(1, Math.round(dist.value)));
    case "exponential":
      return exponentialMean(dist.mean, cap);
    case "lognormal":
      return lognormalMean(dist.median, dist.p90, cap);
    case "uniform": {
      const [lo, hi] = uniformRange(dist);
      // Values below 1 are drawn as 1.
      let sum = Math.max(0, Math.min(hi, 0) - lo + 1);
      const a = Math.max(lo, 1);
      if (a <= hi) sum += ((a + hi) * (hi - a + 1)) / 2;
      return sum / (hi - lo + 1);
    }
    case "empirical": {
      const values = loadEmpiricalValues(dist.file, dist.column);
      let sum = 0;
      for (const v of values) sum += Math.min(cap, Math.max(1, Math.round(v)));
      return sum / values.length;
    }
  }
}

/** P(X >= x) = q^x with q = exp(-1/mean): a geometric sum. */
function exponentialMean(mean: number, cap: number): number {
  if (!(mean > 0)) return 1;
  const q = Math.exp(-1 / mean);
  const terms = cap - 1; // k = 2..cap
  if (terms <= 0) return 1;
  const tail = Number.isFinite(terms) ? -Math.expm1(terms * Math.log(q)) : 1;
  return 1 + (q ** 1.5 * tail) / (1 - q);
}

/**
 * Lognormal means already worked out, by median, p90 and cap (a number's string is exact): each
 * sums up to LOGNORMAL_TERMS tail probabilities, and tenants often share a token distribution
 * (2,000 tenants of one distribution spent 1.6 s here before the first event).
 */
const lognormalMeans = new Map<string, number>();

function lognormalMean(median: number, p90: number, cap: number): number {
  const key = `${median} ${p90} ${cap}`;
  let mean = lognormalMeans.get(key);
  if (mean === undefined) {
    mean = lognormalSum(median, p90, cap);
    lognormalMeans.set(key, mean);
  }
  return mean;
}

function lognormalSum(median: number, p90: number, cap: number): number {
  const { mu, sigma } = lognormalParams(median, p90);
  if (sigma === 0) return Math.min(cap, Math.max(1, Math.round(median)));
  const survival = (x: number) => normalTail((Math.log(x) - mu) / sigma);
  let sum = 1;
  const last = Math.min(cap, LOGNORMAL_TERMS);
  for (let k = 2; k <= last; k++) sum += survival(k - 0.5);
  if (cap > LOGNORMAL_TERMS) {
    // Midpoint rule backwards: sum_{k=K+1}^{cap} S(k - 1/2) ~ integral of S over [K, cap],
    // which is E[(X - K)+] - E[(X - cap)+]; S is nearly flat at that scale.
    sum += partialExpectation(mu, sigma, LOGNORMAL_TERMS) - partialExpectation(mu, sigma, cap);
  }
  return sum;
}

/** E[(X - c)+] of a lognormal (0 for c = Infinity). */
function partialExpectation(mu: number, sigma: number, c: number): number {
  if (!Number.isFinite(c)) return 0;
  const lc = Math.log(c);
  return (
    Math.exp(mu + (sigma * sigma) / 2) * normalTail((lc - mu - sigma * sigma) / sigma) -
    c * normalTail((lc - mu) / sigma)
  );
}
