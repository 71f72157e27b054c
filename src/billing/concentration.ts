/** Concentration and fairness indices over shares. */

/**
 * Herfindahl-Hirschman index of the shares of `amounts` in their total: sum of squared shares,
 * 1 / n for an even split over n, 1 for a single holder. Non-positive amounts hold no share;
 * null when nothing positive is left.
 */
export function hhi(amounts: number[]): number | null {
  const held = amounts.filter((v) => v > 0);
  const total = held.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  return held.reduce((a, v) => a + (v / total) ** 2, 0);
}

/**
 * Jain's fairness index J = (sum x)^2 / (n x sum x^2): 1 when all x are equal, 1/n when one gets
 * everything. null for no values, or when all are 0 (the index is 0/0 there).
 */
export function jainIndex(xs: number[]): number | null {
  if (xs.length === 0) return null;
  let sum = 0;
  let sumSq = 0;
  for (const x of xs) {
    sum += x;
    sumSq += x * x;
  }
  return sumSq > 0 ? (sum * sum) / (xs.length * sumSq) : null;
}
