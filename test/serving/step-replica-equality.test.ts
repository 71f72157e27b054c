/**
 * The fast production replica (src/scheduler/step-replica.ts) against the step-by-step reference
 * (src/fleet/reference-step-replica.ts): the same first-token and finish times on random request
 * mixes, with chunked prefill (small token budgets cut prompts across steps), KV preemption (small
 * block pools) and short and long outputs, and prefix caching (a share of mixes gives requests
 * shared prefixes: one unit per group, like a system prompt, or chains of units shared at their
 * head, like a trace's hash ids; small pools evict cached blocks), swap preemption in a share of
 * the mixes (a slow host link, so the copies weigh in the times; sometimes a host memory too small
 * for every victim, so some are recomputed); and the paged-KV invariants, device and host.
 *
 * Tolerance: the fast replica sums a stretch of decode steps in closed form where the reference
 * adds them one by one, so times agree to float rounding: 1e-9 relative (a stretch of 10^4 steps
 * accumulates about 10^4 x 2^-52 relative error, far below).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ReferenceRequest, runReferenceReplica } from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { model, profile } from "../fleet/helpers.js";
import { mixConfig } from "./step-mix.js";
import { runFastReplica } from "./step-replica-driver.js";

const H100 = profile("nd-h100-v5");
const LLAMA8 = model("llama-3.1-8b");
const BASE = servingSetup(H100, LLAMA8);
const REL = 1e-9;

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= REL * Math.max(1, Math.abs(a), Math.abs(b));
}

const mix = fc
  .record({
    blockSize: fc.constantFrom(1, 4, 16, 32),
    maxNumSeqs: fc.integer({ min: 1, max: 48 }),
    budgetExtra: fc.integer({ min: 0, max: 3000 }),
    requests: fc.array(
      fc.record({
        gap: fc.double({ min: 0, max: 0.4, noNaN: true }),
        prompt: fc.integer({ min: 1, max: 2500 }),
        output: fc.integer({ min: 1, max: 260 }),
        group: fc.integer({ min: 0, max: 7 }),
      }),
      { minLength: 1, maxLength: 45 },
    ),
    /** Blocks beyond the largest request's need: 0 forces preemptions. */
    spareBlocks: fc.integer({ min: 0, max: 400 }),
    /** Shared prefixes in about 60 % of the mixes. */
    prefix: fc.option(
      fc.record({
        tokens: fc.integer({ min: 1, max: 2200 }),
        groups: fc.integer({ min: 1, max: 5 }),
        /** Tokens per unit: 0 = the whole prefix is one unit (a system prompt). */
        unit: fc.constantFrom(0, 0, 24, 64, 512),
      }),
      { freq: 2 },
    ),
    /** Swap preemption in about 40 % of the mixes, with host memory for 0 .. 300 blocks or unlimited. */
    swap: fc.option(
      fc.record({
        hostKvBlocks: fc.option(fc.integer({ min: 0, max: 300 }), { freq: 2 }),
        bandwidth: fc.constantFrom(64e9, 2e9, 2e8),
      }),
      { freq: 3 },
    ),
    /**
     * vLLM's long_prefill_token_threshold in about half of the mixes: small ones keep several
     * prompts partial at once, older than some decodes, and (with a budget a few chunks wide) use
     * the budget up before the younger decodes.
     */
    threshold: fc.option(fc.constantFrom(1, 7, 16, 64, 256, 700), { freq: 2 }),
  })
  .map((d) => mixConfig(d, BASE, 3));

describe("fast step replica equals the reference replica", () => {
  it("same first-token and finish times, preemptions and conservation on random mixes", () => {
    let preempting = 0;
    let chunking = 0;
    let hitting = 0;
    let evicting = 0;
    let swapping = 0;
    let swapFallback = 0;
    let thresholded = 0;
    let severalPartial = 0;
    let decodeSkipped = 0;
    let interleavedMixes = 0;
    let thresholdPrefix = 0;
    let thresholdPreempt = 0;
    let thresholdSwap = 0;
    fc.assert(
      fc.property(mix, ({ reqs, cfg }) => {
        const ref = runReferenceReplica(reqs, cfg);
        const fast = runFastReplica(reqs, cfg);
        if (ref.preemptions > 0) preempting++;
        if (reqs.some((q) => q.promptTokens > cfg.maxNumBatchedTokens)) chunking++;
        if (ref.requests.some((q) => q.cachedPromptTokens > 0)) hitting++;
        if (ref.prefixEvictions > 0) evicting++;
        if (ref.swaps > 0) swapping++;
        if (ref.swaps > 0 && ref.swaps < ref.preemptions) swapFallback++;
        if ((cfg.longPrefillTokenThreshold ?? 0) > 0) {
          thresholded++;
          if (ref.peakPartialPrompts > 1) severalPartial++;
          if (ref.decodesSkipped > 0) decodeSkipped++;
          if (ref.interleavedSteps > 0) interleavedMixes++;
          if (ref.requests.some((q) => q.cachedPromptTokens > 0)) thresholdPrefix++;
          if (ref.preemptions > 0) thresholdPreempt++;
          if (ref.swaps > 0) thresholdSwap++;
        } else {
          // without the threshold there is at most one partial prompt and no decode waits for budget
          expect(ref.peakPartialPrompts).toBeLessThanOrEqual(1);
          expect(ref.decodesSkipped).toBe(0);
          expect(ref.interleavedSteps).toBe(0);
        }
        // invariants of the reference's pool: everything allocated is freed, never more than it has
        expect(ref.blocks.allocated).toBe(ref.blocks.freed);
        expect(ref.blocks.inUseAtEnd).toBe(0);
        expect(ref.blocks.peakInUse).toBeLessThanOrEqual(cfg.kvBlocks);
        expect(fast.breaches).toEqual([]);
        expect(fast.blocksAtEnd).toBe(0);
        expect(fast.preemptions).toBe(ref.preemptions);
        // swaps: counted alike; host memory balances and holds no more than it has
        expect(fast.swaps).toBe(ref.swaps);
        if (cfg.preemption === "recompute") expect(ref.swaps).toBe(0);
        expect(ref.hostBlocks.swappedOut).toBe(ref.hostBlocks.swappedIn);
        expect(ref.hostBlocks.inUseAtEnd).toBe(0);
        expect(ref.hostBlocks.peakInUse).toBeLessThanOrEqual(cfg.hostKvBlocks ?? Number.POSITIVE_INFINITY);
        expect(fast.hostBlocksAtEnd).toBe(0);
        expect(fast.peakHostBlocks).toBe(ref.hostBlocks.peakInUse);
        expect([...ref.swapsByTenant.values()].reduce((s, x) => s + x, 0)).toBe(ref.swaps);
        for (let i = 0; i < reqs.length; i++) {
          const a = ref.requests[i]!;
          const b = fast.requests[i]!;
          expect(b.id).toBe(a.id);
          expect(b.finishes).toBe(1);
          expect(a.finishes).toBe(1);
          // cached + computed prompt tokens = prompt tokens: the hit is whole blocks, short of the prompt
          expect(b.cachedPromptTokens).toBe(a.cachedPromptTokens);
          expect(a.cachedPromptTokens % cfg.blockSize).toBe(0);
          expect(a.cachedPromptTokens).toBeLessThanOrEqual(reqs[i]!.promptTokens - 1);
          if (reqs[i]!.prefix === undefined) expect(a.cachedPromptTokens).toBe(0);
          if (!close(a.firstTokenAt, b.firstTokenAt) || !close(a.finishAt, b.finishAt)) {
            throw new Error(
              `request ${a.id}: reference first ${a.firstTokenAt} end ${a.finishAt}, fast first ${b.firstTokenAt} end ${b.finishAt}`,
            );
          }
        }
        expect(fast.tokensProduced).toBe(reqs.reduce((s, q) => s + q.outputTokens, 0));
        expect(fast.peakBlocks).toBeLessThanOrEqual(cfg.kvBlocks);
      }),
      { numRuns: 500, seed: 20261207 },
    );
    // long_prefill_token_threshold: several prompts partial at once, with prefix hits,
    // preemptions and swaps in the mix
    expect(thresholded).toBeGreaterThan(150);
    expect(severalPartial).toBeGreaterThan(50);
    // No decode ever waits for budget: a request admitted when the budget had room for everyone
    // older keeps that room (an older prompt takes at most the threshold, as it did then; older
    // decodes one token; a preempted request comes back younger), so vLLM's skip never happens
    // under FCFS here. Both replicas handle it all the same (DecodingSet.skipFrom).
    expect(decodeSkipped).toBe(0);
    // ... while prompts older than some decodes (served in running order) are common
    expect(interleavedMixes).toBeGreaterThan(50);
    expect(thresholdPrefix).toBeGreaterThan(30);
    expect(thresholdPreempt).toBeGreaterThan(10);
    expect(thresholdSwap).toBeGreaterThan(5);
    // the mixes did exercise preemption and prompts cut across steps
    expect(preempting).toBeGreaterThan(20);
    expect(chunking).toBeGreaterThan(20);

    // ... and prefix hits, with cached blocks evicted for room
    expect(hitting).toBeGreaterThan(60);
    expect(evicting).toBeGreaterThan(20);
    // ... and swaps, some of them falling back to recompute for lack of host memory
    expect(swapping).toBeGreaterThan(20);
    expect(swapFallback).toBeGreaterThan(0);
  });

  it("a steady decode batch takes a bounded number of events, not one per step", () => {
    const reqs: ReferenceRequest[] = Array.from({ length: 64 }, (_, id) => ({
      id,
      arrival: id * 1e-3,
      promptTokens: 500,
      outputTokens: 2000,
    }));
    const cfg = { ...BASE, prefill: "chunked" as const };
    const ref = runReferenceReplica(reqs, cfg);
    const fast = runFastReplica(reqs, cfg);
    expect(ref.steps).toBeGreaterThan(2000);
    // arrivals, their prompt steps and cuts, and one stretch end per distinct finish time
    expect(fast.events).toBeLessThan(6 * reqs.length);
    for (let i = 0; i < reqs.length; i++) {
      expect(close(fast.requests[i]!.finishAt, ref.requests[i]!.finishAt)).toBe(true);
    }
  });
});
