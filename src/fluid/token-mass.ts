/**
 * The whole-token draws the request engine makes from a token distribution (rounded, held to
 * [1, cap]), as weighted points for the fluid mode's quadratures: exact for constant, uniform and
 * empirical distributions, equal-probability slices (exponential) or a fine normal grid
 * (lognormal) otherwise, far finer than the fluid model's own error. A workload without a
 * distribution (a trace, which the fluid mode refuses today) is taken as exponential about its mean.
 */
import type { TokenDist } from "../scenario/types.js";
import { loadEmpiricalValues } from "../workload/empirical-values.js";
import { lognormalParams, tokenCap, uniformRange } from "../workload/token-sampler.js";

/** Steps of the quadratures: 200,000 points, each side's mean to well under 0.1 %. */
const STEPS = 200_000;
/** The lognormal's normal variate is integrated over [-Z_SPAN, Z_SPAN]. */
const Z_SPAN = 9;

/** Calls `visit(tokens, weight)` for each point, weights in proportion to probability (not summing to 1). */
export function forEachTokenMass(
  dist: TokenDist | null,
  mean: number,
  visit: (tokens: number, weight: number) => void,
): void {
  const d: TokenDist = dist ?? { dist: "exponential", mean, max: null };
  const cap = tokenCap(d);
  const clamp = (x: number) => {
    const r = Math.floor(x + 0.5);
    return r < 1 ? 1 : Math.min(r, cap);
  };
  switch (d.dist) {
    case "constant":
      visit(clamp(d.value), 1);
      break;
    case "uniform": {
      const [lo, hi] = uniformRange(d);
      for (let v = lo; v <= hi; v++) visit(v, 1);
      break;
    }
    case "empirical":
      for (const v of loadEmpiricalValues(d.file, d.column)) visit(clamp(v), 1);
      break;
    case "exponential":
      // Midpoints of equal-probability slices of u, the sampler's -mean ln(1 - u).
      for (let i = 0; i < STEPS; i++) visit(clamp(-d.mean * Math.log(1 - (i + 0.5) / STEPS)), 1);
      break;
    case "lognormal": {
      const { mu, sigma } = lognormalParams(d.median, d.p90);
      const dz = (2 * Z_SPAN) / STEPS;
      for (let i = 0; i < STEPS; i++) {
        const z = -Z_SPAN + (i + 0.5) * dz;
        visit(clamp(Math.exp(mu + sigma * z)), normalDensity(z) * dz);
      }
      break;
    }
  }
}

function normalDensity(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
