/**
 * Money is kept as whole micro-dollars (1e-6 USD) in ordinary numbers: every line item is rounded
 * once, and every total is a sum of integers, so any file's figures add up to the same total to the
 * cent whatever the order of summation. Exact up to 2^53 micro-dollars (about 9 billion USD).
 */
export type Micro = number;

export function toMicro(usd: number): Micro {
  return Math.round(usd * 1e6);
}

export function fromMicro(m: Micro): number {
  return m / 1e6;
}

export function sumMicro(values: Iterable<Micro>): Micro {
  let s = 0;
  for (const v of values) s += v;
  if (!Number.isSafeInteger(s)) throw new Error("money total exceeds the exact range of micro-dollars");
  return s;
}

/**
 * Splits `total` into parts proportional to `weights`, each rounded, so that the parts add up to
 * exactly `total`; whatever rounding leaves goes to the remainder (returned last).
 */
export function splitMicro(total: Micro, weights: number[], whole: number): { parts: Micro[]; rest: Micro } {
  const parts = weights.map((w) => (whole > 0 ? Math.round((total * w) / whole) : 0));
  const rest = total - parts.reduce((a, b) => a + b, 0);
  return { parts, rest };
}
