/** The latency histogram's quantiles stay within their relative error bound of the exact ones. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LogHistogram } from "../../src/metrics/log-histogram.js";

/** The documented bound (src/metrics/log-histogram.ts), written out: not the module's constant. */
const MAX_RELATIVE_ERROR = 1 / 128;

function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))];
}

describe("LogHistogram", () => {
  it("reports every quantile within 1/128 of the exact order statistic", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const h = new LogHistogram();
          for (const v of values) h.add(v);
          const exact = exactQuantile(
            [...values].sort((a, b) => a - b),
            q,
          );
          const got = h.quantile(q)!;
          expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 1e-12);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("merges into the quantiles of all the values, whichever side is empty or only zeros, and across threads", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { maxLength: 300 }),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e6, noNaN: true })), {
          maxLength: 300,
        }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (a, b, q) => {
          const ha = new LogHistogram();
          const hb = new LogHistogram();
          const all = new LogHistogram();
          for (const v of a) ha.add(v);
          for (const v of b) hb.add(v);
          for (const v of [...a, ...b]) all.add(v);
          // A part's histogram reaches the merge by structured clone when the part ran on a worker.
          ha.merge(structuredClone(hb));
          expect(ha.count).toBe(a.length + b.length);
          expect(ha.quantile(q)).toBe(all.quantile(q));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("keeps counts only for the octaves its values reach (a row's three histograms cost KB, not 120 KB)", () => {
    const h = new LogHistogram();
    const size = () => (h as unknown as { counts: Float64Array }).counts.length;
    expect(size()).toBe(0);
    h.add(1.5);
    expect(size()).toBe(5 * 64); // [1, 2) and two octaves to spare either side
    for (const v of [1, 2.5, 7.9]) h.add(v); // within the spare octaves
    expect(size()).toBe(5 * 64);
    h.add(1e6); // 2^19.9: the counts stretch to cover it (and two more octaves), keeping what they held
    expect(size()).toBe(24 * 64); // [2^-2, 2^22)
    h.add(2 ** -60); // below the range: counted in its first bucket, as before
    h.add(2 ** 60);
    expect(h.quantile(0)! / 2 ** -40).toBeCloseTo(1 + 0.5 / 64, 12);
    expect(Math.abs(h.quantile(0.5)! - 2.5) / 2.5).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
    expect(h.quantile(1)! / 2 ** 40).toBeCloseTo(1 - 0.5 / 64 / 2, 2);
  });

  it("counts zeros, and is empty until something is added", () => {
    const h = new LogHistogram();
    expect(h.quantile(0.5)).toBeNull();
    h.add(0);
    h.add(0);
    h.add(3);
    expect(h.quantile(0.5)).toBe(0);
    expect(Math.abs(h.quantile(1)! - 3) / 3).toBeLessThanOrEqual(MAX_RELATIVE_ERROR);
  });
});
