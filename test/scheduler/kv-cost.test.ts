/**
 * kv_aware's cost (src/scheduler/kv-cost.ts), checked by hand against Dynamo's formula:
 * cost = overlap_weight x (pending prompt tokens + this prompt's uncached tokens) / block size
 *        + (active blocks + this prompt's blocks not in use there),
 * and the choice among replicas: the lowest, the first of equal ones, or a softmax draw.
 */
import { describe, expect, it } from "vitest";
import { type KvView, kvCost, pickByCost } from "../../src/scheduler/kv-cost.js";

const B = 16;
const view = (pendingTokens: number, activeBlocks: number, hitBlocks = 0, hitInUse = 0): KvView => ({
  pendingTokens,
  activeBlocks,
  hitBlocks,
  hitInUse,
});

/** The replica kv_aware picks at temperature 0. */
const choose = (w: number, prompt: number, views: KvView[]) =>
  pickByCost(
    views.map((v) => kvCost(w, B, prompt, v)),
    views.length,
    0,
    0,
  );

describe("kv_aware cost", () => {
  it("counts a prompt's uncached tokens as prefill blocks and its blocks not in use as decode blocks", () => {
    // 160 tokens = 10 blocks; 6 cached, 2 of them in use by a running request
    // prefill: (32 pending + 160 - 96) / 16 = 6; decode: 5 active + (10 - 2) new = 13
    expect(kvCost(1, B, 160, view(32, 5, 6, 2))).toBe(6 + 13);
    // weight 2 doubles only the prefill term
    expect(kvCost(2, B, 160, view(32, 5, 6, 2))).toBe(12 + 13);
    // weight 0: pure KV-load balancing, the cache ignored but for the blocks it shares in use
    expect(kvCost(0, B, 160, view(32, 5, 6, 2))).toBe(13);
    // a prompt without prefix counts whole: 170 tokens = 10.625 prefill blocks, 11 new blocks
    expect(kvCost(1, B, 170, view(0, 0))).toBe(170 / 16 + 11);
  });

  it("goes where the blocks are until the load there outweighs them, ties to the first", () => {
    // 160-token prompt (10 blocks). Replica 0 holds 6 of them cached (free): its prefill is 4
    // blocks, so it costs 4 + (a0 + 10); replica 1 caches nothing: 10 + (a1 + 10).
    // The overlap saves 6 blocks: equal costs exactly when a0 = a1 + 6.
    const cached = (a0: number, a1: number) => [view(0, a0, 6, 0), view(0, a1, 0, 0)];
    expect(choose(1, 160, cached(0, 0))).toBe(0);
    expect(choose(1, 160, cached(9, 4))).toBe(0); // 23 < 24
    expect(choose(1, 160, cached(10, 4))).toBe(0); // 24 = 24: the first in class order
    expect(choose(1, 160, cached(11, 4))).toBe(1); // 25 > 24
    // listed the other way round, the tie goes to the other replica: order, not the cache, breaks it
    expect(choose(1, 160, [view(0, 4, 0, 0), view(0, 10, 6, 0)])).toBe(0);
    // weight 2 doubles what the overlap saves: the balance moves to a0 = a1 + 12
    expect(choose(2, 160, cached(16, 4))).toBe(0);
    expect(choose(2, 160, cached(17, 4))).toBe(1);
  });

  it("weighs the prompt tokens waiting to prefill, not the requests", () => {
    // replica 0 prefills a 64,000-token prompt (one request); replica 1 decodes 20 requests holding
    // 400 blocks. A 256-token prompt: 4000 + 16 + 16 against 16 + 400 + 16.
    expect(choose(1, 256, [view(64_000, 0), view(0, 400)])).toBe(1);
    // with nothing pending, the lighter KV load wins
    expect(choose(1, 256, [view(0, 30), view(0, 400)])).toBe(0);
  });

  it("draws by softmax over the costs above temperature 0 (Dynamo's normalisation by the cost range)", () => {
    // costs 10 and 20 at temperature 1: weights 1 and exp(-1), so the first with p = 1 / (1 + e^-1)
    const p0 = 1 / (1 + Math.exp(-1));
    expect(pickByCost([10, 20], 2, 1, p0 - 1e-9)).toBe(0);
    expect(pickByCost([10, 20], 2, 1, p0 + 1e-9)).toBe(1);
    // the range normalises: costs 100 and 200 give the same probabilities
    expect(pickByCost([100, 200], 2, 1, p0 - 1e-9)).toBe(0);
    expect(pickByCost([100, 200], 2, 1, p0 + 1e-9)).toBe(1);
    // equal costs: uniform
    expect([0, 0.34, 0.67].map((u) => pickByCost([5, 5, 5], 3, 1, u))).toEqual([0, 1, 2]);
    // temperature 0 ignores the draw
    expect(pickByCost([20, 10, 10], 3, 0, 0.999)).toBe(1);
  });
});
