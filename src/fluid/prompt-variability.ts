/**
 * Squared coefficient of variation of a token distribution, for the Pollaczek-Khinchine wait of
 * prompts queueing for a replica's prefill: Wp = f / (1 - f) x p x (1 + cv^2) / 2. Uncapped
 * closed forms (a cap only lowers the variance, so this leans pessimistic); 1 (exponential) when
 * the shape is not known in closed form (empirical values, traces).
 */
import type { TokenDist } from "../scenario/types.js";
import { lognormalParams, uniformRange } from "../workload/token-sampler.js";

export function tokenCv2(dist: TokenDist | null): number {
  if (dist === null) return 1;
  switch (dist.dist) {
    case "constant":
      return 0;
    case "exponential":
      return 1;
    case "lognormal": {
      const { sigma } = lognormalParams(dist.median, dist.p90);
      return Math.expm1(sigma * sigma);
    }
    case "uniform": {
      const [lo, hi] = uniformRange(dist);
      const mean = (lo + hi) / 2;
      const n = hi - lo + 1;
      return mean > 0 ? (n * n - 1) / 12 / (mean * mean) : 0;
    }
    case "empirical":
      return 1;
  }
}
