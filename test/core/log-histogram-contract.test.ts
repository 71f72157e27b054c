/**
 * The latency histogram against its contract (src/metrics/log-histogram.ts, docs/performance.md):
 * a quantile is within 1/128 (0.78 %) of a value of that rank for values from 2^-40 to 2^40; smaller
 * positive values count in the first bucket, larger ones in the last, zero and below separately.
 * The bound is written here as the number the contract promises, not read from the module, so a
 * histogram that lost precision would fail these tests.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogHistogram, MAX_RELATIVE_ERROR } from "../../src/metrics/log-histogram.js";

/** The contract's relative error bound. */
const BOUND = 1 / 128;
/** Float slack on the bound (the midpoint arithmetic is exact; the comparison is not always). */
const SLACK = 1e-12;

function histogram(values: number[]): LogHistogram {
  const h = new LogHistogram();
  for (const v of values) h.add(v);
  return h;
}

function relativeError(got: number | null, exact: number): number {
  expect(got).not.toBeNull();
  return Math.abs(got! - exact) / exact;
}

/** The order statistic the histogram's quantile(q) stands for: rank floor(q (n - 1)). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))];
}

/** Log-uniform over [2^lo, 2^hi]. */
const logUniform = (lo: number, hi: number) =>
  fc.double({ min: lo, max: hi, noNaN: true }).map((e) => 2 ** e);

describe("LogHistogram contract", () => {
  it("promises 1/128", () => {
    expect(MAX_RELATIVE_ERROR).toBe(BOUND);
  });

  it("reports every quantile within 1/128 of the exact one across the whole covered range 2^-40 .. 2^40", () => {
    fc.assert(
      fc.property(
        fc.array(logUniform(-40, 40), { minLength: 1, maxLength: 500 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = histogram(values);
          expect(relativeError(h.quantile(q), exactQuantile(values, q))).toBeLessThanOrEqual(BOUND + SLACK);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("uses the precision it promises: values that far apart fall in different buckets", () => {
    // Buckets 1/64 of an octave wide: 1 and 1 + 1/32 are two buckets apart, and each is reported
    // within 1/128 of itself, so the two reports differ. A histogram with half the buckets (1/64
    // error) would still pass a bound read from its own constant.
    for (const base of [2 ** -40, 2 ** -13, 1, 3, 1e6, 2 ** 39]) {
      for (const step of [1 / 32, 1 / 20, 1 / 10]) {
        const lo = base;
        const hi = base * (1 + step);
        const h = histogram([lo, hi]);
        expect(relativeError(h.quantile(0), lo)).toBeLessThanOrEqual(BOUND + SLACK);
        expect(relativeError(h.quantile(1), hi)).toBeLessThanOrEqual(BOUND + SLACK);
        expect(h.quantile(1)).toBeGreaterThan(h.quantile(0)!);
      }
    }
  });

  it("reports a bucket at its midpoint: the error is at most half a bucket either way", () => {
    // 1 is the lowest value of bucket [1, 1 + 1/64): reported as 1 + 1/128; just below 2 is the top
    // of the octave's last bucket [2 - 1/64, 2): reported as 2 - 1/128. Buckets are twice as wide
    // an octave up, half as wide an octave down.
    expect(histogram([1]).quantile(0.5)).toBe(1 + 1 / 128);
    expect(histogram([2 - 2 ** -40]).quantile(0.5)).toBe(2 - 1 / 128);
    expect(histogram([1.5]).quantile(0.5)).toBe(1.5 + 1 / 128);
    expect(histogram([3]).quantile(0.5)).toBe(3 + 1 / 64);
    expect(histogram([0.75]).quantile(0.5)).toBe(0.75 + 1 / 256);
  });

  it("keeps a value of exactly 2^40, the top of the range, and the values around it", () => {
    const top = 2 ** 40;
    for (const v of [top, top * (1 - 2 ** -53), top * (1 - 1 / 128), top * (1 + 2 ** -52)]) {
      const alone = histogram([v]);
      expect(alone.count).toBe(1);
      expect(relativeError(alone.quantile(1), v)).toBeLessThanOrEqual(BOUND + SLACK);
      expect(relativeError(alone.quantile(0), v)).toBeLessThanOrEqual(BOUND + SLACK);
      // After other values have set up the counts, and as the largest of several.
      const mixed = histogram([1, 1e-3, 1e9, v]);
      expect(relativeError(mixed.quantile(1), v)).toBeLessThanOrEqual(BOUND + SLACK);
      expect(relativeError(mixed.quantile(0), 1e-3)).toBeLessThanOrEqual(BOUND + SLACK);
      const merged = histogram([1, 2]);
      merged.merge(histogram([v]));
      expect(merged.count).toBe(3);
      expect(relativeError(merged.quantile(1), v)).toBeLessThanOrEqual(BOUND + SLACK);
    }
  });

  it("counts values above 2^40 in the last bucket and below 2^-40 in the first", () => {
    const last = 2 ** 40 * (1 - 1 / 256); // midpoint of [2^40 - 2^34, 2^40)
    const first = 2 ** -40 * (1 + 1 / 128);
    for (const big of [2 ** 40 * (1 + 1 / 64), 2 ** 41, 1e300, Number.MAX_VALUE, Number.POSITIVE_INFINITY]) {
      const h = histogram([1, big]);
      expect(h.count).toBe(2);
      expect(h.quantile(1)).toBe(last);
      expect(histogram([big]).quantile(0)).toBe(last);
    }
    for (const small of [2 ** -40 * (1 - 2 ** -53), 2 ** -41, 1e-300, Number.MIN_VALUE]) {
      const h = histogram([small, 1]);
      expect(h.quantile(0)).toBe(first);
      expect(histogram([small]).quantile(1)).toBe(first);
    }
    // 2^-40 itself is covered: the lowest value of the first bucket.
    expect(histogram([2 ** -40]).quantile(0)).toBe(first);
    expect(
      relativeError(histogram([2 ** -40 * (1 + 1 / 32)]).quantile(0), 2 ** -40 * (1 + 1 / 32)),
    ).toBeLessThan(BOUND + SLACK);
  });

  it("counts zero, negatives and NaN apart, below every positive value", () => {
    const h = histogram([5, 0, -3, Number.NaN, 7]);
    expect(h.count).toBe(5);
    expect(h.quantile(0)).toBe(0);
    expect(h.quantile(0.5)).toBe(0); // rank 2 of 5: the three non-positive values come first
    expect(relativeError(h.quantile(0.75), 5)).toBeLessThanOrEqual(BOUND + SLACK);
    expect(relativeError(h.quantile(1), 7)).toBeLessThanOrEqual(BOUND + SLACK);
  });

  it("picks rank floor(q (n - 1)), clamping q outside 0..1", () => {
    // One value per octave, so each rank is told apart whatever the precision.
    const values = [1, 2, 4, 8, 16];
    const h = histogram(values);
    const at = (q: number) => Math.round(Math.log2(h.quantile(q)!));
    expect(at(0)).toBe(0);
    expect(at(0.24)).toBe(0);
    expect(at(0.25)).toBe(1);
    expect(at(0.5)).toBe(2);
    expect(at(0.99)).toBe(3);
    expect(at(1)).toBe(4);
    expect(at(-1)).toBe(0);
    expect(at(2)).toBe(4);
  });

  it("merges whatever the ranges of the two sides: below, above, around, inside, or empty", () => {
    const ranges: Array<[number, number]> = [
      [-40, -30],
      [-5, 5],
      [-2, 0],
      [20, 40],
      [0, 1],
    ];
    for (const [alo, ahi] of ranges) {
      for (const [blo, bhi] of ranges) {
        const a = Array.from({ length: 40 }, (_, k) => 2 ** (alo + ((ahi - alo) * k) / 39));
        const b = Array.from({ length: 25 }, (_, k) => 2 ** (blo + ((bhi - blo) * k) / 24));
        const ha = histogram(a);
        ha.merge(histogram(b));
        const all = histogram([...a, ...b]);
        expect(ha.count).toBe(65);
        for (const q of [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
          expect(ha.quantile(q)).toBe(all.quantile(q));
          expect(relativeError(ha.quantile(q), exactQuantile([...a, ...b], q))).toBeLessThanOrEqual(
            BOUND + SLACK,
          );
        }
      }
    }
    const empty = new LogHistogram();
    empty.merge(new LogHistogram());
    expect(empty.count).toBe(0);
    expect(empty.quantile(1)).toBeNull();
  });

  it("keeps adding to a histogram after a merge widened its counts", () => {
    const h = histogram([1]);
    h.merge(histogram([2 ** 30]));
    for (const v of [2 ** -30, 2 ** 35, 3, 2 ** 40]) h.add(v);
    const values = [1, 2 ** 30, 2 ** -30, 2 ** 35, 3, 2 ** 40];
    for (const q of [0, 0.2, 0.4, 0.6, 0.8, 1])
      expect(relativeError(h.quantile(q), exactQuantile(values, q))).toBeLessThanOrEqual(BOUND + SLACK);
  });
});

describe("LogHistogram memory (counts only for the octaves reached, two spare octaves on a side that grows)", () => {
  const shape = (h: LogHistogram) => {
    const p = h as unknown as { counts: Float64Array; first: number };
    return { first: p.first, size: p.counts.length };
  };

  it("keeps its counts when merging a histogram with nothing, only zeros, or the same range", () => {
    const h = histogram([1.5, 3]);
    const before = shape(h);
    h.merge(new LogHistogram());
    h.merge(histogram([0, 0]));
    expect(shape(h)).toEqual(before);
    h.merge(histogram([1.5]));
    expect(shape(h)).toEqual(before);
    expect(h.count).toBe(5);
  });

  it("grows only on the side a merge reaches past", () => {
    const h = histogram([1.5]); // [2^-2, 2^3)
    const { first, size } = shape(h);
    h.merge(histogram([1.5, 2 ** 10])); // same low end, higher top
    expect(shape(h).first).toBe(first);
    const up = shape(h).size;
    expect(up).toBeGreaterThan(size);
    const g = histogram([1.5]);
    g.merge(histogram([2 ** -10, 1.5])); // lower low end, same top: [2^-12, 2^3)
    expect(shape(g).first).toBeLessThan(first);
    expect(shape(g).first + shape(g).size).toBe(first + size);
  });
});
