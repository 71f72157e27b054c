/**
 * Prefix caching, analytically: a request arriving alone after an identical-prefix request has
 * finished finds the prefix's full blocks cached, so its first step prefills only the rest of its
 * prompt (after the cached tokens): its TTFT is the step model's time of that one chunk, shorter
 * than the first request's by exactly the prefill time of the hit blocks. Both replicas (the
 * step-by-step reference and the production one) must give it to float rounding. Then the cache's
 * own rules: the hit stops one token short of the prompt, blocks in use are shared, freed blocks
 * are evicted least recently freed first.
 */
import { describe, expect, it } from "vitest";
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import {
  type CachedBlock,
  emptyHit,
  PrefixCache,
  type PrefixRef,
  steadyPrefixHitTokens,
} from "../../src/fleet/prefix-cache.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { addPrefillChunk, emptyComposition } from "../../src/fleet/step-time.js";
import { model, profile } from "../fleet/helpers.js";
import { runFastReplica } from "./step-replica-driver.js";

const BASE = servingSetup(profile("nd-h100-v5"), model("llama-3.1-8b"));
const CFG: ReferenceReplicaConfig = { ...BASE, prefill: "chunked", preemption: "recompute" };
const B = CFG.blockSize;
const REL = 1e-12;

/** One prompt chunk of `n` tokens after `cached`, completing the prompt, alone in a step. */
function chunkSeconds(cached: number, n: number): number {
  const c = emptyComposition();
  addPrefillChunk(c, cached, n, true);
  return CFG.stepModel.stepSeconds(c);
}

function systemPrompt(tokens: number, key = 1): PrefixRef {
  return { unitKeys: [key], unitTokens: tokens, tokens };
}

/** Two requests with the same prefix, the second arriving long after the first finished. */
function pair(prompt: number, prefix: PrefixRef | undefined, output = 1): ReferenceRequest[] {
  return [
    { id: 0, arrival: 0, promptTokens: prompt, outputTokens: output, prefix },
    { id: 1, arrival: 100, promptTokens: prompt, outputTokens: output, prefix },
  ];
}

describe("prefix caching: a lone request after an identical prefix", () => {
  it.each([
    // prompt, prefix tokens, expected hit (whole blocks of the prefix, one token short of the prompt)
    [2000, 1000, 992],
    [2000, 1024, 1024],
    [2000, 2000, 1984],
    [2048, 2048, 2032], // the whole prompt is prefix: its last block is computed again
    [1025, 5000, 1024],
    [16, 16, 0], // a one-block prompt never hits: the hit stops one token short
    [17, 17, 16],
  ])(
    "prompt %i, prefix %i: TTFT falls by the prefill time of the %i cached tokens",
    (prompt, prefixTokens, hit) => {
      expect(steadyPrefixHitTokens(prefixTokens, prompt, B)).toBe(hit);
      const reqs = pair(prompt, systemPrompt(prefixTokens));
      const cold = chunkSeconds(0, prompt);
      const warm = chunkSeconds(hit, prompt - hit);
      for (const run of [runReferenceReplica(reqs, CFG).requests, runFastReplica(reqs, CFG).requests]) {
        const [a, b] = run as Array<{ firstTokenAt: number; cachedPromptTokens: number }>;
        expect(a!.cachedPromptTokens).toBe(0);
        expect(b!.cachedPromptTokens).toBe(hit);
        expect(a!.firstTokenAt).toBeCloseTo(cold, 12);
        const ttft = b!.firstTokenAt - 100;
        expect(Math.abs(ttft - warm)).toBeLessThanOrEqual(REL * warm + 1e-12);
        // the saving is the step model's prefill time of the hit, and no more
        expect(Math.abs(a!.firstTokenAt - ttft - (cold - warm))).toBeLessThanOrEqual(1e-12);
      }
      // a long hit saves time; a short one may not (a small step is bound by reading the weights)
      if (hit >= 512) expect(warm).toBeLessThan(cold);
      else expect(warm).toBeLessThanOrEqual(cold);
    },
  );

  it("without a prefix, or with a different one, the second request pays the whole prefill", () => {
    const cold = chunkSeconds(0, 3000);
    for (const reqs of [
      pair(3000, undefined),
      [
        { id: 0, arrival: 0, promptTokens: 3000, outputTokens: 1, prefix: systemPrompt(2000, 1) },
        { id: 1, arrival: 100, promptTokens: 3000, outputTokens: 1, prefix: systemPrompt(2000, 2) },
      ],
    ]) {
      const fast = runFastReplica(reqs, CFG).requests;
      expect(fast[1]!.cachedPromptTokens).toBe(0);
      expect(fast[1]!.firstTokenAt - 100).toBeCloseTo(cold, 12);
    }
  });

  it("a trace-like chain hits only the leading units two prompts share", () => {
    // units of 512 tokens: both share unit 1, then differ
    const a: PrefixRef = { unitKeys: [1, 2, 3], unitTokens: 512, tokens: 1536 };
    const b: PrefixRef = { unitKeys: [1, 4, 5], unitTokens: 512, tokens: 1536 };
    const reqs: ReferenceRequest[] = [
      { id: 0, arrival: 0, promptTokens: 1600, outputTokens: 3, prefix: a },
      { id: 1, arrival: 100, promptTokens: 1600, outputTokens: 3, prefix: b },
    ];
    const ref = runReferenceReplica(reqs, CFG);
    const fast = runFastReplica(reqs, CFG);
    expect(ref.requests[1]!.cachedPromptTokens).toBe(512);
    expect(fast.requests[1]!.cachedPromptTokens).toBe(512);
    expect(fast.requests[1]!.firstTokenAt - 100).toBeCloseTo(chunkSeconds(512, 1600 - 512), 12);
  });

  it("requests running together share the prefix blocks: fewer blocks in use than without sharing", () => {
    const prefix = systemPrompt(4096);
    const reqs: ReferenceRequest[] = Array.from({ length: 8 }, (_, id) => ({
      id,
      arrival: id * 0.001,
      promptTokens: 4200,
      outputTokens: 50,
      prefix,
    }));
    const shared = runReferenceReplica(reqs, CFG);
    const alone = runReferenceReplica(
      reqs.map((q) => ({ ...q, prefix: undefined })),
      CFG,
    );
    // 7 of the 8 hit the 4096-token prefix (256 blocks) while the first still holds it
    expect(shared.requests.slice(1).every((q) => q.cachedPromptTokens === 4096)).toBe(true);
    expect(alone.blocks.peakInUse - shared.blocks.peakInUse).toBe(7 * blocksFor(4096, B));
    expect(shared.blocks.allocated).toBe(shared.blocks.freed);
  });
});

describe("the prefix cache's free queue", () => {
  const ref = (key: number, tokens: number): PrefixRef => ({ unitKeys: [key], unitTokens: tokens, tokens });

  it("evicts cached blocks least recently freed first, only when a new block needs their room", () => {
    const cache = new PrefixCache(4);
    const heldA: CachedBlock[] = [];
    const a = ref(1, 2);
    const b = ref(2, 2);
    // request A fills 2 blocks of prefix a (block size 1), request B 2 blocks of prefix b
    cache.take(2);
    cache.register(a, 3, 1, 0, 2, heldA);
    const heldB: CachedBlock[] = [];
    cache.take(2);
    cache.register(b, 3, 1, 0, 2, heldB);
    expect(cache.free).toBe(0);
    expect(cache.release(2, heldA)).toBe(2); // A's blocks freed first
    expect(cache.release(2, heldB)).toBe(2);
    expect(cache.free).toBe(4);
    const hit = emptyHit();
    cache.lookup(a, 3, 3, 1, hit);
    expect(hit.count).toBe(2);
    expect(hit.free).toBe(2);
    // one new block: the least recently freed is A's last block (a request frees its last blocks first)
    cache.take(1);
    cache.lookup(a, 3, 3, 1, hit);
    expect(hit.count).toBe(1);
    cache.lookup(b, 3, 3, 1, hit);
    expect(hit.count).toBe(2);
    expect(cache.evictions).toBe(1);
  });

  it("a hit takes free cached blocks out of the queue and shares blocks in use without a new one", () => {
    const cache = new PrefixCache(4);
    const p = ref(7, 2);
    // request 1: two prefix blocks and one of its own
    const held1: CachedBlock[] = [];
    cache.take(3);
    cache.register(p, 3, 1, 0, 3, held1);
    expect(held1.length).toBe(2);
    const hit = emptyHit();
    const held2: CachedBlock[] = [];
    cache.lookup(p, 3, 3, 1, hit);
    expect(hit).toMatchObject({ count: 2, free: 0 });
    cache.acquire(hit, held2);
    expect(cache.free).toBe(1); // shared: nothing taken
    expect(cache.release(3, held1)).toBe(1); // its own block only: the two are still held
    expect(cache.release(2, held2)).toBe(2);
    expect(cache.free).toBe(4);
    const held3: CachedBlock[] = [];
    cache.lookup(p, 3, 3, 1, hit);
    expect(hit).toMatchObject({ count: 2, free: 2 });
    cache.acquire(hit, held3);
    expect(cache.free).toBe(2);
    expect(() => cache.take(3)).toThrow(/only 2 are free/);
  });
});
