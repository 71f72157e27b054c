/** The fluid model's fixed point (Little's law on the batch), saturation and busy fraction. */
import { describe, expect, it } from "vitest";
import { busyFraction } from "../../src/fleet/busy-fraction.js";
import {
  decodeAt,
  emptyOperatingPoint,
  fullRequestsPerS,
  solveOperatingPoint,
} from "../../src/fleet/operating-point.js";
import type { ServiceCurve } from "../../src/fleet/service-model.js";

/** decode(b) = b / (t0 + b t1): 50 ms per step plus 1 ms per sequence, batch up to 64. */
function curve(): ServiceCurve {
  const B = 64;
  const d = new Float64Array(B + 1);
  for (let b = 1; b <= B; b++) d[b] = b / (0.05 + 0.001 * b);
  return {
    source: "measured",
    prefillTokensPerS: 10_000,
    decodeTokensPerS: d,
    maxBatch: B,
    kvCapacityBytes: 1e12,
  };
}

describe("solveOperatingPoint", () => {
  it("returns the held count L with L = lambda T(L) (Little's law)", () => {
    const c = curve();
    for (const lambda of [0.05, 0.5, 2, 3.4]) {
      const op = solveOperatingPoint(c, lambda, 1000, 100, 4, emptyOperatingPoint());
      expect(op.saturated).toBe(false);
      const p = 1000 / c.prefillTokensPerS;
      const f = lambda * p;
      const T = (f / (1 - f)) * p + p + 99 * op.tpotS;
      expect(op.held).toBeCloseTo(lambda * T, 6);
      // The batch a request decodes in is the held count while busy, and TPOT follows the curve.
      expect(op.batch).toBeCloseTo(Math.max(1, op.held / op.busy), 6);
      expect(op.tpotS).toBeCloseTo(op.batch / decodeAt(c, op.batch) / (1 - f), 9);
    }
  });

  it("grows with the load and saturates above what full replicas complete", () => {
    const c = curve();
    const cap = fullRequestsPerS(c, 1000, 100);
    let prev = 0;
    for (const x of [0.1, 0.3, 0.5, 0.7, 0.9]) {
      const op = solveOperatingPoint(c, x * cap, 1000, 100, 4, emptyOperatingPoint());
      expect(op.held).toBeGreaterThan(prev);
      prev = op.held;
    }
    const over = solveOperatingPoint(c, 1.05 * cap, 1000, 100, 4, emptyOperatingPoint());
    expect(over.saturated).toBe(true);
    expect(over.held).toBe(64);
    expect(over.busy).toBe(1);
  });

  it("the warm start gives the same answer", () => {
    const c = curve();
    const cold = solveOperatingPoint(c, 3, 1000, 100, 4, emptyOperatingPoint());
    const warm = solveOperatingPoint(c, 3, 1000, 100, 4, emptyOperatingPoint(), cold.held * 1.005);
    const far = solveOperatingPoint(c, 3, 1000, 100, 4, emptyOperatingPoint(), 50);
    expect(warm.held).toBeCloseTo(cold.held, 6);
    expect(far.held).toBeCloseTo(cold.held, 6);
  });

  it("no demand holds nothing", () => {
    const op = solveOperatingPoint(curve(), 0, 1000, 100, 4, emptyOperatingPoint());
    expect([op.held, op.busy, op.saturated]).toEqual([0, 0, false]);
  });
});

describe("busyFraction", () => {
  it("one replica: 1 - exp(-L)", () => {
    for (const L of [0.1, 1, 3]) expect(busyFraction(1, L)).toBeCloseTo(1 - Math.exp(-L), 12);
  });
  it("many replicas under least-loaded routing: min(1, L) in the limit", () => {
    expect(busyFraction(10_000, 0.5)).toBeCloseTo(0.5, 3);
    expect(busyFraction(10_000, 2)).toBeCloseTo(1, 6);
  });
  it("the exact sum and the normal approximation meet at the switch (32 / 33 replicas)", () => {
    for (const L of [0.5, 0.9, 1, 1.2]) {
      expect(Math.abs(busyFraction(32, L) - busyFraction(33, L))).toBeLessThan(0.01);
    }
  });
});
