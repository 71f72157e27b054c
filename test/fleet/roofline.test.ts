import { describe, expect, it } from "vitest";
import { rooflineDecodeTokensPerS, rooflinePrefillTokensPerS } from "../../src/fleet/roofline.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
import { model, profile, toyModel, toyProfile } from "./helpers.js";

// Toy pair, by hand: weights W = 10e9 x 2 = 20e9 B; replica of 2 accelerators:
// bandwidth 2 x 2e12 x 0.8 = 3.2e12 B/s, compute 2 x 500e12 x 0.5 = 5e14 FLOP/s.
describe("roofline service curve (no measured table)", () => {
  it("is memory-bound at small batches: (W + b*ctx*kv) / bw", () => {
    const curve = serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 1000, maxBatchCap: null });
    expect(curve.source).toBe("roofline");
    // b = 1: (20e9 + 1000 x 1e5) / 3.2e12 = 6.28125 ms (compute 2e10 / 5e14 = 0.04 ms)
    expect(curve.decodeTokensPerS[1]).toBeCloseTo(1 / 0.00628125, 6);
    // b = 64: (20e9 + 64 x 1e8) / 3.2e12 = 8.25 ms (compute 2.56 ms)
    expect(curve.decodeTokensPerS[64]).toBeCloseTo(64 / 0.00825, 6);
    expect(curve.decodeTokensPerS[0]).toBe(0);
  });

  it("is compute-bound at large batches and short contexts: 2*active*b / flops", () => {
    // ctx 100, b = 1000: memory (20e9 + 1e10) / 3.2e12 = 9.375 ms < compute 2e10 x 1000 / 5e14 = 40 ms
    const rate = rooflineDecodeTokensPerS(toyProfile(), toyModel(), 1000, 100);
    expect(rate).toBeCloseTo(1000 / 0.04, 6);
    // prefill: 5e14 / (2 x 10e9) = 25,000 prompt tokens/s
    expect(rooflinePrefillTokensPerS(toyProfile(), toyModel())).toBeCloseTo(25_000, 6);
  });

  it("uses only the active parameters for compute (MoE) and all of them for memory", () => {
    const moe = toyModel({ activeParamsB: 2.5 });
    expect(rooflinePrefillTokensPerS(toyProfile(), moe)).toBeCloseTo(100_000, 6);
    const dense = rooflineDecodeTokensPerS(toyProfile(), toyModel(), 1, 1000);
    expect(rooflineDecodeTokensPerS(toyProfile(), moe, 1, 1000)).toBeCloseTo(dense, 6);
  });

  it("matches a hand computation on the shipped nd-h100-v5 / llama-3-70b files", () => {
    // W = 70.6e9 x 1 B; bw = 3.35e12 x 2 x 0.7 = 4.69e12 B/s; KV of one 1,280-token request
    // = 1280 x 163,840 = 209,715,200 B. Step = (70.6e9 + 209,715,200) / 4.69e12 = 15.0980 ms.
    const curve = serviceCurve(profile("nd-h100-v5"), model("llama-3-70b"), {
      meanContextTokens: 1280,
      maxBatchCap: null,
    });
    expect(curve.source).toBe("roofline");
    expect(curve.decodeTokensPerS[1]).toBeCloseTo(4.69e12 / (70.6e9 + 209_715_200), 6);
    // prefill = 2 x 1979e12 x 0.5 / (2 x 70.6e9) = 14,016.99
    expect(curve.prefillTokensPerS).toBeCloseTo((2 * 1979e12 * 0.5) / (2 * 70.6e9), 6);
  });

  it("never falls as the batch grows, and flattens at the compute ceiling", () => {
    // memory time 6.25 ms + b x 0.03125 ms equals compute time b x 0.04 ms at b = 714.3
    const curve = serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 1000, maxBatchCap: null });
    for (let b = 2; b <= curve.maxBatch; b++) {
      if (b <= 714) expect(curve.decodeTokensPerS[b]).toBeGreaterThan(curve.decodeTokensPerS[b - 1]);
      else expect(curve.decodeTokensPerS[b]).toBeCloseTo(25_000, 6);
      expect(curve.decodeTokensPerS[b]).toBeLessThanOrEqual(25_000 + 1e-9);
    }
  });
});
