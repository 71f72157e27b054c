/**
 * promptSplit (fluid model_routing by_prompt_length) against closed forms of the whole-token
 * draws: uniform exactly, exponential by memorylessness, lognormal by the normal tail.
 */
import { describe, expect, it } from "vitest";
import { promptSplit } from "../../src/fluid/prompt-split.js";
import { normalTail } from "../../src/normal-tail.js";
import { lognormalParams } from "../../src/workload/token-sampler.js";

describe("promptSplit", () => {
  it("uniform 1..100, threshold 30: 70 % long, means 15.5 and 65.5", () => {
    const p = promptSplit({ dist: "uniform", min: 1, max: 100 }, 50.5, 30);
    expect(p.long).toBeCloseTo(0.7, 12);
    expect(p.meanShort).toBeCloseTo(15.5, 12);
    expect(p.meanLong).toBeCloseTo(65.5, 12);
    // Discrete uniform on n values: variance (n^2 - 1) / 12 (n = 30 below, 70 above).
    expect(p.cv2Short).toBeCloseTo((30 * 30 - 1) / 12 / 15.5 ** 2, 12);
    expect(p.cv2Long).toBeCloseTo((70 * 70 - 1) / 12 / 65.5 ** 2, 12);
  });

  it("exponential mean 1000, threshold 2000: P = exp(-2000.5 / 1000), long mean 2000.5 + 1000", () => {
    // A draw is above 2000 tokens when the unrounded value is at least 2000.5.
    const p = promptSplit({ dist: "exponential", mean: 1000, max: null }, 1000, 2000);
    expect(p.long).toBeCloseTo(Math.exp(-2.0005), 4);
    expect(p.meanLong).toBeCloseTo(3000.5, -0.3); // within 1 token (rounding to whole tokens)
    // The two sides average back to the mean.
    expect((1 - p.long) * p.meanShort + p.long * p.meanLong).toBeCloseTo(1000, -0.3);
  });

  it("lognormal: the fraction above the threshold is the normal tail at (ln(T + 0.5) - mu) / sigma", () => {
    const { mu, sigma } = lognormalParams(1000, 4000);
    const p = promptSplit({ dist: "lognormal", median: 1000, p90: 4000, max: null }, 0, 2048);
    expect(p.long).toBeCloseTo(normalTail((Math.log(2048.5) - mu) / sigma), 4);
  });

  it("constant prompts at the threshold are all short (only prompts above it are long)", () => {
    expect(promptSplit({ dist: "constant", value: 2048, max: null }, 2048, 2048).long).toBe(0);
    expect(promptSplit({ dist: "constant", value: 2049, max: null }, 2049, 2048).long).toBe(1);
  });
});
