/**
 * Money is kept as whole micro-dollars (1e-6 USD) in ordinary numbers: every amount is rounded
 * once, from exact-as-possible quantities (integer tokens, summed node-seconds), and every split of
 * an amount hands out whole micro-dollars that add back to it exactly. Any file's figures then add
 * up to the same total to the cent whatever the order of summation. Exact up to 2^53 micro-dollars
 * (about 9 billion USD).
 */
export type Micro = number;

export function toMicro(usd: number): Micro {
  if (!Number.isFinite(usd)) throw new Error(`money amount is not a finite number: ${usd}`);
  const m = Math.round(usd * 1e6);
  return m === 0 ? 0 : m; // no -0
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
 * Splits `total` into whole micro-dollars proportional to `weights` (each >= 0) by the largest
 * remainder method: every part gets the floor of its exact quota, and the micro-dollars left over go
 * one each to the parts with the largest fractional remainders (ties to the earlier part). The parts
 * add up to exactly `total`; a part with weight 0 gets 0. A negative total is split as its opposite.
 */
export function splitMicro(total: Micro, weights: readonly number[]): Micro[] {
  if (!Number.isSafeInteger(total)) throw new Error(`money value is not whole micro-dollars: ${total}`);
  if (total < 0) return splitMicro(-total, weights).map((v) => (v === 0 ? 0 : -v));
  let whole = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new Error(`split weight must be a finite number >= 0: ${w}`);
    whole += w;
  }
  const parts = weights.map(() => 0);
  if (total === 0) return parts;
  if (!(whole > 0)) throw new Error(`cannot split ${total} micro-dollars over weights that are all 0`);
  const remainder = weights.map(() => 0);
  let given = 0;
  weights.forEach((w, i) => {
    const quota = total * (w / whole);
    parts[i] = Math.floor(quota);
    remainder[i] = quota - parts[i];
    given += parts[i];
  });
  const order = weights
    .map((_, i) => i)
    .filter((i) => weights[i] > 0)
    .sort((a, b) => remainder[b] - remainder[a] || a - b);
  // Float rounding of the quotas can leave `left` a little outside [0, parts), hence the loops.
  let left = total - given;
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) parts[order[j]]++;
  for (let j = order.length - 1; left < 0; j = (j - 1 + order.length) % order.length) {
    if (parts[order[j]] > 0) {
      parts[order[j]]--;
      left++;
    }
  }
  return parts;
}
