import { describe, expect, it } from "vitest";
import { kvCapacityBytes } from "../../src/fleet/memory.js";
import { serviceCurve } from "../../src/fleet/service-model.js";
import { model, profile, toyModel, toyProfile } from "./helpers.js";

describe("max batch from KV memory", () => {
  // Toy: replica memory 2 x 100 GB, and a memory "GB" is 2^30 bytes (memory is binary:
  // docs/service-model.md): 214.748e9 B; usable 0.9 -> 193.273e9; minus weights 20e9 -> 173.273e9 B of KV.
  const KV = 2 * 100 * 2 ** 30 * 0.9 - 20e9;
  it("is floor(kv capacity / (context x kv bytes per token))", () => {
    expect(kvCapacityBytes(toyProfile(), toyModel())).toBeCloseTo(KV, 0);
    const curve = serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 1000, maxBatchCap: null });
    expect(curve.kvCapacityBytes).toBeCloseTo(173.2735e9, -6);
    // one request holds 1000 x 1e5 = 1e8 B -> 1732 requests
    expect(curve.maxBatch).toBe(1732);
    expect(curve.decodeTokensPerS.length).toBe(1733);
    // 3000-token contexts: 173.273e9 / 3e8 = 577.6 -> 577
    expect(
      serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 3000, maxBatchCap: null }).maxBatch,
    ).toBe(577);
  });

  it("applies scheduler.max_batch as a cap, and the smallest limit wins", () => {
    const curve = serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 1000, maxBatchCap: 64 });
    expect(curve.maxBatch).toBe(64);
    expect(
      serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 1000, maxBatchCap: 5000 }).maxBatch,
    ).toBe(1732);
  });

  it("keeps at least one request when the weights fit but a long context does not", () => {
    // 173.3e9 B of KV / (2,000,000 x 1e5) = 0.87 -> still 1
    const curve = serviceCurve(toyProfile(), toyModel(), { meanContextTokens: 2_000_000, maxBatchCap: null });
    expect(curve.maxBatch).toBe(1);
  });

  it("matches a hand computation for llama-2-70b on nd-h100-v5 (KV limit below the table's 896)", () => {
    // 2 x 80 x 2^30 x 0.9 - 69e9 = 85.618e9 B; one 1,280-token request: 1280 x 163,840 = 209,715,200 B -> 408
    const curve = serviceCurve(profile("nd-h100-v5"), model("llama-2-70b"), {
      meanContextTokens: 1280,
      maxBatchCap: null,
    });
    expect(curve.maxBatch).toBe(408);
    // 491-token contexts: 85.618e9 / 80,445,440 = 1064 > 896, so the table's max_batch binds
    expect(
      serviceCurve(profile("nd-h100-v5"), model("llama-2-70b"), { meanContextTokens: 491, maxBatchCap: null })
        .maxBatch,
    ).toBe(896);
  });

  it("refuses a pair that does not fit (the loader reports it first as an input error)", () => {
    expect(() =>
      serviceCurve(profile("cobalt-100"), model("llama-2-70b"), {
        meanContextTokens: 1000,
        maxBatchCap: null,
      }),
    ).toThrow(/cannot span nodes/);
  });
});
