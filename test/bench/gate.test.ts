/** The benchmark regression gate, fed with injected figures (no timing in tests). */
import { describe, expect, it } from "vitest";
import { checkRegression, DEFAULT_TOLERANCE } from "../../bench/gate.js";

describe("checkRegression", () => {
  it("passes at or above 75 % of the baseline ratio", () => {
    expect(checkRegression(0.5, 0.5).ok).toBe(true);
    expect(checkRegression(0.6, 0.5).ok).toBe(true);
    expect(checkRegression(0.375, 0.5).ok).toBe(true);
  });

  it("fails a deliberately slowed hot loop: more than 25 % below the baseline", () => {
    const v = checkRegression(0.3, 0.5);
    expect(v.ok).toBe(false);
    expect(v.floor).toBeCloseTo(0.375, 12);
    expect(v.message).toMatch(/below the floor 0\.375/);
    expect(checkRegression(0.374, 0.5).ok).toBe(false);
  });

  it("uses a 25 % tolerance by default and rejects nonsense figures", () => {
    expect(DEFAULT_TOLERANCE).toBe(0.25);
    expect(checkRegression(Number.NaN, 0.5).ok).toBe(false);
    expect(checkRegression(0.5, 0).ok).toBe(false);
  });
});
