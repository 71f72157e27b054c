import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { totalParams } from "../../src/fleet/architecture.js";
import {
  blocksFor,
  decodeStepsBeforeBlockShortage,
  KvBlockPool,
  kvBlockCount,
} from "../../src/fleet/kv-blocks.js";
import { fitProblem } from "../../src/fleet/placement.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { model, profile, shippedModels, shippedProfiles } from "./helpers.js";

describe("paged KV blocks", () => {
  it("a request holds ceil(tokens / block size) blocks", () => {
    expect(blocksFor(0, 16)).toBe(0);
    expect(blocksFor(1, 16)).toBe(1);
    expect(blocksFor(16, 16)).toBe(1);
    expect(blocksFor(17, 16)).toBe(2);
  });

  it("block count: (memory x utilisation - weights - activations) / (block x KV bytes per token), floored", () => {
    const n = kvBlockCount({
      memoryBytesPerDevice: 1000,
      gpuMemoryUtilization: 0.9,
      weightBytesPerDevice: 500,
      activationReserveBytesPerDevice: 100,
      kvBytesPerTokenPerDevice: 2,
      blockSize: 16,
    });
    expect(n).toBe(Math.floor(300 / 32));
    expect(
      kvBlockCount({
        memoryBytesPerDevice: 1000,
        gpuMemoryUtilization: 0.5,
        weightBytesPerDevice: 600,
        activationReserveBytesPerDevice: 0,
        kvBytesPerTokenPerDevice: 2,
        blockSize: 16,
      }),
    ).toBe(0);
  });

  it("Llama-3.1-8B BF16 on one H100: about 55 GB of KV, some 26 k blocks of 16 tokens x 128 KiB", () => {
    const m = model("llama-3.1-8b");
    const s = servingSetup(profile("nd-h100-v5"), m);
    const weights = totalParams(m.architecture!) * 2;
    // 80 GiB x 0.9 - 16.06 GB of weights - the activation estimate, in 2 MiB blocks
    const upper = Math.floor((80 * 2 ** 30 * 0.9 - weights) / (16 * 131072));
    expect(s.kvBlocks).toBeLessThan(upper);
    expect(s.kvBlocks).toBeGreaterThan(upper * 0.95);
  });

  it("the pool never hands out more than it has, and counts what it allocated and freed", () => {
    const pool = new KvBlockPool(10);
    expect(pool.tryAllocate(6)).toBe(true);
    expect(pool.tryAllocate(5)).toBe(false);
    expect(pool.inUse).toBe(6);
    expect(pool.tryAllocate(4)).toBe(true);
    expect(pool.free).toBe(0);
    pool.release(7);
    pool.release(3);
    expect(pool.allocatedTotal).toBe(10);
    expect(pool.freedTotal).toBe(10);
    expect(pool.peakInUse).toBe(10);
    expect(() => pool.release(1)).toThrow(/only 0 are in use/);
  });

  it("decode steps before a block shortage: the closed form equals allocating step by step", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 0, max: 40 }),
        fc.constantFrom(1, 4, 16),
        fc.integer({ min: 1, max: 300 }),
        (computed, free, blockSize, maxSteps) => {
          const held = computed.map((c) => blocksFor(c, blockSize));
          const pool = new KvBlockPool(free);
          const have = [...held];
          let steps = 0;
          outer: for (; steps < maxSteps; steps++) {
            for (const [i, c] of computed.entries()) {
              const need = blocksFor(c + steps + 1, blockSize) - have[i]!;
              if (!pool.tryAllocate(need)) break outer;
              have[i]! += Math.max(0, need);
            }
          }
          expect(decodeStepsBeforeBlockShortage(computed, held, free, blockSize, maxSteps)).toBe(steps);
        },
      ),
    );
  });

  it("every catalog architecture that fits a shipped profile gets blocks for at least one 1,024-token request", () => {
    let checked = 0;
    for (const p of shippedProfiles)
      for (const m of shippedModels) {
        if (!m.architecture || fitProblem(p, m)) continue;
        const s = servingSetup(p, m);
        expect(s.kvBlocks, `${m.id} on ${p.id}`).toBeGreaterThanOrEqual(blocksFor(1024, s.blockSize));
        checked += 1;
      }
    expect(checked).toBeGreaterThan(50);
  });
});
