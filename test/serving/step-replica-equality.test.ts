/**
 * The fast production replica (src/scheduler/step-replica.ts) against the step-by-step reference
 * (src/fleet/reference-step-replica.ts): the same first-token and finish times on random request
 * mixes, with chunked prefill (small token budgets cut prompts across steps), KV preemption (small
 * block pools) and short and long outputs; and the paged-KV invariants.
 *
 * Tolerance: the fast replica sums a stretch of decode steps in closed form where the reference
 * adds them one by one, so times agree to float rounding: 1e-9 relative (a stretch of 10^4 steps
 * accumulates about 10^4 x 2^-52 relative error, far below).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { model, profile } from "../fleet/helpers.js";
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
      }),
      { minLength: 1, maxLength: 45 },
    ),
    /** Blocks beyond the largest request's need: 0 forces preemptions. */
    spareBlocks: fc.integer({ min: 0, max: 400 }),
  })
  .map(({ blockSize, maxNumSeqs, budgetExtra, requests, spareBlocks }) => {
    let t = 0;
    const reqs: ReferenceRequest[] = requests.map((q, id) => {
      t += q.gap;
      return { id, arrival: t, promptTokens: q.prompt, outputTokens: q.output, tenant: `t${id % 3}` };
    });
    const biggest = Math.max(...reqs.map((q) => blocksFor(q.promptTokens + q.outputTokens, blockSize)));
    const cfg: ReferenceReplicaConfig = {
      ...BASE,
      blockSize,
      kvBlocks: biggest + spareBlocks,
      maxNumSeqs,
      maxNumBatchedTokens: maxNumSeqs + budgetExtra,
      prefill: "chunked",
      preemption: "recompute",
    };
    return { reqs, cfg };
  });

describe("fast step replica equals the reference replica", () => {
  it("same first-token and finish times, preemptions and conservation on random mixes", () => {
    let preempting = 0;
    let chunking = 0;
    fc.assert(
      fc.property(mix, ({ reqs, cfg }) => {
        const ref = runReferenceReplica(reqs, cfg);
        const fast = runFastReplica(reqs, cfg);
        if (ref.preemptions > 0) preempting++;
        if (reqs.some((q) => q.promptTokens > cfg.maxNumBatchedTokens)) chunking++;
        expect(fast.breaches).toEqual([]);
        expect(fast.blocksAtEnd).toBe(0);
        expect(fast.preemptions).toBe(ref.preemptions);
        for (let i = 0; i < reqs.length; i++) {
          const a = ref.requests[i]!;
          const b = fast.requests[i]!;
          expect(b.id).toBe(a.id);
          expect(b.finishes).toBe(1);
          if (!close(a.firstTokenAt, b.firstTokenAt) || !close(a.finishAt, b.finishAt)) {
            throw new Error(
              `request ${a.id}: reference first ${a.firstTokenAt} end ${a.finishAt}, fast first ${b.firstTokenAt} end ${b.finishAt}`,
            );
          }
        }
        expect(fast.tokensProduced).toBe(reqs.reduce((s, q) => s + q.outputTokens, 0));
        expect(fast.peakBlocks).toBeLessThanOrEqual(cfg.kvBlocks);
      }),
      { numRuns: 300, seed: 20261207 },
    );
    // the mixes did exercise preemption and prompts cut across steps
    expect(preempting).toBeGreaterThan(20);
    expect(chunking).toBeGreaterThan(20);
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
