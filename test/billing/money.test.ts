/** Whole micro-dollars and exact splits. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitMicro, sumMicro, toMicro } from "../../src/billing/money.js";

describe("splitMicro (largest remainder)", () => {
  it("hands out whole micro-dollars that add up to the total exactly, each within 1 of its quota", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = splitMicro(total, weights);
          const whole = weights.reduce((a, b) => a + b, 0);
          expect(parts.every(Number.isSafeInteger)).toBe(true);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          parts.forEach((p, i) => {
            expect(Math.abs(p - (total * weights[i]) / whole)).toBeLessThan(1 + 1e-6);
            if (weights[i] === 0) expect(p).toBe(0);
          });
        },
      ),
    );
  });

  it("gives the leftover to the largest remainders, ties to the earlier part", () => {
    // 10 over 1:1:1 -> quotas 3.33 each: one micro-dollar left, to the first.
    expect(splitMicro(10, [1, 1, 1])).toEqual([4, 3, 3]);
    // 10 over 3:7:10 -> quotas 1.5, 3.5, 5: floors 1, 3, 5 and one left; remainders tie at 0.5.
    expect(splitMicro(10, [3, 7, 10])).toEqual([2, 3, 5]);
    // 7 over 1:2 -> 2.33 and 4.67: the second has the larger remainder.
    expect(splitMicro(7, [1, 2])).toEqual([2, 5]);
    expect(splitMicro(-7, [1, 2])).toEqual([-2, -5]);
  });

  it("splits 0 over anything, and refuses to split money over nothing", () => {
    expect(splitMicro(0, [0, 0])).toEqual([0, 0]);
    expect(() => splitMicro(5, [0, 0])).toThrow(/all 0/);
    expect(() => splitMicro(5, [1, -1])).toThrow(/>= 0/);
    expect(() => splitMicro(0.5, [1])).toThrow(/whole micro-dollars/);
  });
});

describe("money totals", () => {
  it("are the same in any order of summation", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e10, max: 1e10 }), { maxLength: 200 }), (xs) => {
        const reversed = [...xs].reverse();
        const sorted = [...xs].sort((a, b) => a - b);
        expect(sumMicro(reversed)).toBe(sumMicro(xs));
        expect(sumMicro(sorted)).toBe(sumMicro(xs));
      }),
    );
  });

  it("rounds once to the micro-dollar, never to -0", () => {
    expect(toMicro(1.2345675)).toBe(1234568);
    expect(Object.is(toMicro(-1e-9), 0)).toBe(true);
    expect(() => toMicro(Number.NaN)).toThrow();
  });
});
