/**
 * Money against an exact oracle: splitMicro's parts are compared with the largest remainder method
 * worked out in exact integer arithmetic (BigInt), including the totals where float quotas round
 * past the exact ones and the correction loop has to take micro-dollars back.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromMicro, splitMicro, sumMicro, toMicro } from "../../src/billing/money.js";

/** Largest remainder over integer weights, exactly: floors of total w_i / W, leftovers to the largest remainders, ties to the earlier part. */
function exactSplit(total: number, weights: number[]): number[] {
  const t = BigInt(total);
  const w = weights.map(BigInt);
  const whole = w.reduce((a, b) => a + b, 0n);
  const parts = w.map((x) => (t * x) / whole);
  const rem = w.map((x) => (t * x) % whole);
  let left = t - parts.reduce((a, b) => a + b, 0n);
  const order = w
    .map((_, i) => i)
    .filter((i) => w[i] > 0n)
    .sort((a, b) => (rem[b] > rem[a] ? 1 : rem[b] < rem[a] ? -1 : a - b));
  for (let j = 0; left > 0n; j++, left--) parts[order[j]]++;
  return parts.map(Number);
}

/** |part - total w_i / W| < 1, exactly. */
function withinOneOfQuota(part: number, total: number, weight: bigint, whole: bigint): boolean {
  const d = BigInt(part) * whole - BigInt(total) * weight;
  return (d < 0n ? -d : d) < whole;
}

describe("splitMicro against exact arithmetic", () => {
  it("equals the exact largest remainder split when the quotas are exact floats", () => {
    // Integer weights adding up to a power of two: every quota total x w / 2^k is a float without
    // rounding, so the float method and the exact one must agree part for part.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 }),
        (total, some) => {
          const sum = some.reduce((a, b) => a + b, 0);
          const weights = [...some, 2 ** Math.ceil(Math.log2(sum + 1)) - sum];
          expect(splitMicro(total, weights)).toEqual(exactSplit(total, weights));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("breaks ties towards the earlier part however many parts there are", () => {
    // 150 over 100 equal weights: every quota is 1.5, so the 50 leftovers go to the first 50.
    const parts = splitMicro(150, Array(100).fill(1));
    expect(parts).toEqual([...Array(50).fill(2), ...Array(50).fill(1)]);
    // The same with zero weights in between, which get nothing.
    const mixed = Array.from({ length: 120 }, (_, i) => (i % 6 === 5 ? 0 : 3));
    const got = splitMicro(150, mixed);
    expect(got).toEqual(exactSplit(150, mixed));
    expect(got.filter((_, i) => i % 6 === 5).every((p) => p === 0)).toBe(true);
  });

  it("takes back what float quotas over-gave (the rounding correction), each part still within 1 of its quota", () => {
    // Totals near 2^52 micro-dollars where the float quotas' floors add up to 1 more than the total.
    const cases: Array<[number, number[], number]> = [
      [4288184325393128, [10, 4, 2, 5], 10],
      [4454266894449315, [2, 3, 2], 10],
      [3441883279313831, [6, 7, 4, 7], 10],
    ];
    for (const [total, integerWeights, scale] of cases) {
      const weights = integerWeights.map((w) => w / scale);
      const floors = weights.map((w) => Math.floor(total * (w / weights.reduce((a, b) => a + b, 0))));
      const overGiven = floors.reduce((a, b) => a + b, 0) - total;
      const w = integerWeights.map(BigInt);
      const whole = w.reduce((a, b) => a + b, 0n);
      // With a part of weight 0 (gets nothing), one too small to reach a whole micro-dollar, and one
      // whose quota underflows to exactly 0 (last in the order, and with no micro-dollar to take back).
      for (const extra of [[], [0], [1e-20], [1e-20, 0], [Number.MIN_VALUE], [0, Number.MIN_VALUE]]) {
        const parts = splitMicro(total, [...weights, ...extra]);
        expect(sumMicro(parts)).toBe(total);
        parts.slice(0, weights.length).forEach((p, i) => {
          expect(withinOneOfQuota(p, total, w[i], whole)).toBe(true);
        });
        for (const p of parts.slice(weights.length)) expect(p).toBe(0);
      }
      // The negative total is split as its opposite.
      expect(splitMicro(-total, weights)).toEqual(splitMicro(total, weights).map((p) => -p));
      if (total === 4288184325393128) expect(overGiven).toBe(1); // the case exercises the correction
    }
    // Where the float remainders keep their exact order, the correction lands where exact arithmetic
    // would: the micro-dollar is taken from the smallest remainder, not the largest.
    const [total, integerWeights] = cases[2];
    expect(splitMicro(total, [0.6, 0.7, 0.4, 0.7])).toEqual(exactSplit(total, integerWeights));
    expect(splitMicro(total, [0.6, 0.7, 0.4, 0.7, Number.MIN_VALUE])).toEqual([
      ...exactSplit(total, integerWeights),
      0,
    ]);
  });

  it("gives nothing to a part of weight 0 even when float quotas under-give and every remainder is 0", () => {
    // Near 2^53 the quotas 44/120 and 76/120 of this total are whole floats that add up to one less
    // than the total: one micro-dollar is left and no part has a remainder to claim it by.
    const total = 8523328623182469;
    const floors = [44, 76].map((w) => Math.floor(total * (w / 120)));
    expect(total - floors[0] - floors[1]).toBe(1);
    for (const weights of [
      [0, 44, 76],
      [44, 0, 76],
    ]) {
      const parts = splitMicro(total, weights);
      expect(sumMicro(parts)).toBe(total);
      weights.forEach((w, i) => {
        if (w === 0) expect(parts[i]).toBe(0);
        else expect(withinOneOfQuota(parts[i], total, BigInt(w), 120n)).toBe(true);
      });
    }
  });

  it("splits a negative total as its opposite, with +0 (not -0) for parts of weight 0", () => {
    const parts = splitMicro(-10, [1, 0, 2]);
    expect(parts).toEqual([-3, 0, -7]);
    expect(Object.is(parts[1], 0)).toBe(true);
    expect(splitMicro(-1, [1, 1])).toEqual([-1, 0]);
    expect(Object.is(splitMicro(-1, [1, 1])[1], 0)).toBe(true);
  });
});

describe("sumMicro, toMicro, fromMicro", () => {
  it("sums to the arithmetic total", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 }), { maxLength: 50 }), (xs) => {
        let expected = 0n;
        for (const x of xs) expected += BigInt(x);
        expect(sumMicro(xs)).toBe(Number(expected));
      }),
    );
    expect(sumMicro([])).toBe(0);
    expect(sumMicro(new Set([5, -2, 40]))).toBe(43);
  });

  it("refuses a total beyond 2^53 micro-dollars", () => {
    expect(sumMicro([2 ** 52, 2 ** 52 - 1])).toBe(2 ** 53 - 1);
    expect(() => sumMicro([2 ** 52, 2 ** 52])).toThrow(
      "money total exceeds the exact range of micro-dollars",
    );
    expect(() => sumMicro([-(2 ** 52), -(2 ** 52)])).toThrow(/exceeds the exact range/);
  });

  it("converts between dollars and micro-dollars", () => {
    expect(toMicro(12.5)).toBe(12_500_000);
    expect(toMicro(-0.0000015)).toBe(-1);
    expect(fromMicro(12_500_000)).toBe(12.5);
    expect(fromMicro(-1)).toBe(-0.000001);
    expect(() => toMicro(Number.POSITIVE_INFINITY)).toThrow("money amount is not a finite number: Infinity");
    expect(() => toMicro(Number.NaN)).toThrow("money amount is not a finite number: NaN");
  });

  it("refuses weights that are negative, NaN or infinite, naming them", () => {
    expect(() => splitMicro(5, [1, Number.NaN])).toThrow("split weight must be a finite number >= 0: NaN");
    expect(() => splitMicro(5, [Number.POSITIVE_INFINITY])).toThrow(
      "split weight must be a finite number >= 0: Infinity",
    );
    expect(() => splitMicro(0, [-1])).toThrow("split weight must be a finite number >= 0: -1");
    expect(() => splitMicro(5, [0])).toThrow("cannot split 5 micro-dollars over weights that are all 0");
    expect(() => splitMicro(Number.NaN, [1])).toThrow("money value is not whole micro-dollars: NaN");
  });
});
