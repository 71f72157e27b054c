/**
 * Means and Student-t confidence intervals over independent replications (one per seed), and the
 * same for paired differences: with common random numbers, B - A per seed cancels the noise both
 * runs share, so the interval of the difference is much narrower than those of A and B.
 */
import { studentTQuantile } from "./t-quantile.js";

export interface MeanInterval {
  /** Number of values. */
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1 in the denominator); null when n < 2. */
  sd: number | null;
  /** Half-width of the confidence interval: t(1 - (1 - level) / 2, n - 1) * sd / sqrt(n); null when n < 2. */
  halfWidth: number | null;
  low: number | null;
  high: number | null;
}

/** Mean and two-sided confidence interval (default 95 %) of `values`; null for no values. */
export function meanInterval(values: number[], level = 0.95): MeanInterval | null {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const n = values.length;
  if (n === 0) return null;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n < 2) return { n, mean, sd: null, halfWidth: null, low: null, high: null };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  const sd = Math.sqrt(ss / (n - 1));
  const halfWidth = (studentTQuantile(1 - (1 - level) / 2, n - 1) * sd) / Math.sqrt(n);
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * Interval of the paired differences b[i] - a[i]. Pairs where either side is null (a figure not
 * defined in that run, such as margin % without revenue) are left out.
 */
export function pairedDifference(
  a: Array<number | null>,
  b: Array<number | null>,
  level = 0.95,
): MeanInterval | null {
  if (a.length !== b.length)
    throw new RangeError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== null && y !== null) diffs.push(y - x);
  }
  return meanInterval(diffs, level);
}

/** Whether the interval excludes zero (the difference is significant at its level). */
export function excludesZero(iv: MeanInterval | null): boolean {
  return iv !== null && iv.low !== null && iv.high !== null && (iv.low > 0 || iv.high < 0);
}
