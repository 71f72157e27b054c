/**
 * Fraction of a group's replicas that hold at least one request when the group holds L requests
 * per replica on average. Requests are placed on the least-loaded replica, so a replica is idle
 * only when the whole group holds fewer requests than it has replicas; the number held by the
 * group is taken as Poisson with mean nL (the infinite-server count of random arrivals):
 *
 *   busy = E[min(n, N)] / n,  N ~ Poisson(nL)
 *
 * One replica gives 1 - exp(-L) (M/G/inf idle probability); many give min(1, L) in the limit.
 * Exact sum up to EXACT_LIMIT replicas, normal approximation of the Poisson beyond.
 */
import { normalTail } from "../normal-tail.js";

const EXACT_LIMIT = 32;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export function busyFraction(replicas: number, heldPerReplica: number): number {
  const n = replicas;
  const m = n * heldPerReplica;
  if (n <= 0 || m <= 0) return 0;
  if (n <= EXACT_LIMIT) {
    // E[min(n, N)] = sum_{k=0}^{n-1} P(N > k).
    let pk = Math.exp(-m);
    let cdf = pk;
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += 1 - cdf;
      pk *= m / (k + 1);
      cdf += pk;
    }
    return Math.min(1, Math.max(0, sum / n));
  }
  // E[min(n, N)] = m - E[(N - n)+], N ~ Normal(m, m): E[(N - n)+] = s phi(z) - (n - m) Q(z).
  const s = Math.sqrt(m);
  const z = (n - m) / s;
  // Beyond 8 standard deviations the correction is below 1e-15 of the result.
  if (z > 8) return m / n;
  if (z < -8) return 1;
  const excess = s * INV_SQRT_2PI * Math.exp(-0.5 * z * z) - (n - m) * normalTail(z);
  return Math.min(1, Math.max(0, (m - excess) / n));
}
