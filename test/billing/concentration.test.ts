/** Revenue concentration (HHI) and fairness across tenants (Jain), against hand computations. */
import { describe, expect, it } from "vitest";
import { hhi, jainIndex } from "../../src/billing/concentration.js";

describe("hhi", () => {
  it("is the sum of squared shares of a known split", () => {
    // 50/30/20: 0.25 + 0.09 + 0.04 = 0.38
    expect(hhi([50, 30, 20])).toBeCloseTo(0.38, 12);
    expect(hhi([5e6, 3e6, 2e6])).toBeCloseTo(0.38, 12);
    expect(hhi([1, 1, 1, 1])).toBeCloseTo(0.25, 12);
    expect(hhi([7])).toBe(1);
  });

  it("gives no share to non-positive amounts, and is undefined with nothing positive", () => {
    expect(hhi([60, 40, 0, -10])).toBeCloseTo(0.52, 12);
    expect(hhi([])).toBeNull();
    expect(hhi([0, -3])).toBeNull();
  });
});

describe("jainIndex", () => {
  it("matches (sum x)^2 / (n sum x^2) by hand", () => {
    // x = 1, 0.5: (1.5)^2 / (2 x 1.25) = 2.25 / 2.5 = 0.9
    expect(jainIndex([1, 0.5])).toBeCloseTo(0.9, 12);
    // x = 0.9, 0.8, 0.4: 2.1^2 / (3 x (0.81 + 0.64 + 0.16)) = 4.41 / 4.83
    expect(jainIndex([0.9, 0.8, 0.4])).toBeCloseTo(4.41 / 4.83, 12);
  });

  it("is 1 when all are served alike and 1/n when one gets everything", () => {
    expect(jainIndex([0.7, 0.7, 0.7])).toBeCloseTo(1, 12);
    expect(jainIndex([1, 0, 0, 0])).toBeCloseTo(0.25, 12);
    expect(jainIndex([])).toBeNull();
    expect(jainIndex([0, 0])).toBeNull();
  });
});
