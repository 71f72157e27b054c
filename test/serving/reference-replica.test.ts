import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blocksFor } from "../../src/fleet/kv-blocks.js";
import {
  type ReferenceReplicaConfig,
  type ReferenceRequest,
  runReferenceReplica,
} from "../../src/fleet/reference-step-replica.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import { addDecode, addPrefillChunk, emptyComposition } from "../../src/fleet/step-time.js";
import { model, profile } from "../fleet/helpers.js";

const H100 = profile("nd-h100-v5");
const LLAMA8 = model("llama-3.1-8b");

function setup(over: Partial<ReferenceReplicaConfig> = {}): ReferenceReplicaConfig {
  return { ...servingSetup(H100, LLAMA8), ...over };
}

const req = (
  id: number,
  arrival: number,
  promptTokens: number,
  outputTokens: number,
  tenant = "t",
): ReferenceRequest => ({
  id,
  arrival,
  promptTokens,
  outputTokens,
  tenant,
});

describe("reference step replica", () => {
  it("one request alone: first token after its prefill step, then one decode step per token", () => {
    const cfg = setup();
    const r = runReferenceReplica([req(0, 5, 300, 40)], cfg);
    const prefill = emptyComposition();
    addPrefillChunk(prefill, 0, 300, true);
    const first = 5 + cfg.stepModel.stepSeconds(prefill);
    const out = r.requests[0]!;
    expect(out.firstTokenAt).toBeCloseTo(first, 12);
    // 39 decode steps of one request, cached 300 .. 338: the closed form of the run
    expect(out.finishAt).toBeCloseTo(first + cfg.stepModel.decodeRunSeconds(1, 300, 39), 9);
    expect(r.steps).toBe(40);
    expect(r.blocks.peakInUse).toBe(blocksFor(300 + 39, cfg.blockSize));
  });

  it("long_prefill_token_threshold caps each prompt's chunk per step, so prompts share steps", () => {
    // vLLM V1 (scheduler.py): a request's new tokens above the threshold are cut to it, for running
    // and waiting requests alike. Three 600-token prompts, budget 1024, threshold 256: each step
    // computes 256 + 256 + 256, then 88 x 3, and all three sample their first token together.
    const cfg = setup({ maxNumBatchedTokens: 1024, longPrefillTokenThreshold: 256 });
    const r = runReferenceReplica([req(0, 0, 600, 2), req(1, 0, 600, 2), req(2, 0, 600, 2)], cfg);
    const steps = [
      [0, 256],
      [256, 256],
      [512, 88],
    ].map(([cached, n]) => {
      const c = emptyComposition();
      for (let i = 0; i < 3; i++) addPrefillChunk(c, cached!, n!, cached! + n! === 600);
      return cfg.stepModel.stepSeconds(c);
    });
    const first = steps[0]! + steps[1]! + steps[2]!;
    for (const q of r.requests) expect(q.firstTokenAt).toBeCloseTo(first, 12);
    // without the cap the first prompt is whole in the first step (600 + 424 of the second)
    const uncapped = runReferenceReplica(
      [req(0, 0, 600, 2), req(1, 0, 600, 2), req(2, 0, 600, 2)],
      setup({ maxNumBatchedTokens: 1024 }),
    );
    const one = emptyComposition();
    addPrefillChunk(one, 0, 600, true);
    addPrefillChunk(one, 0, 424, false);
    expect(uncapped.requests[0]!.firstTokenAt).toBeCloseTo(cfg.stepModel.stepSeconds(one), 12);
    // a decode (one new token) is never cut, and a prompt at the threshold is whole
    const atLimit = runReferenceReplica([req(0, 0, 256, 3)], cfg);
    const whole = emptyComposition();
    addPrefillChunk(whole, 0, 256, true);
    expect(atLimit.requests[0]!.firstTokenAt).toBeCloseTo(cfg.stepModel.stepSeconds(whole), 12);
    expect(atLimit.steps).toBe(3);
  });

  it("a batch decoding together finishes after the closed-form sum of its decode steps", () => {
    const cfg = setup();
    const reqs = Array.from({ length: 24 }, (_, i) => req(i, 0, 200 + i, 30));
    const r = runReferenceReplica(reqs, cfg);
    const prefill = emptyComposition();
    for (const q of reqs) addPrefillChunk(prefill, 0, q.promptTokens, true);
    const first = cfg.stepModel.stepSeconds(prefill);
    const cached = reqs.reduce((s, q) => s + q.promptTokens, 0);
    for (const q of r.requests) {
      expect(q.firstTokenAt).toBeCloseTo(first, 12);
      expect(q.finishAt).toBeCloseTo(first + cfg.stepModel.decodeRunSeconds(24, cached, 29), 9);
    }
  });

  it("chunked prefill: a prompt longer than the budget takes ceil(prompt / budget) steps", () => {
    const cfg = setup({ maxNumBatchedTokens: 512 });
    const r = runReferenceReplica([req(0, 0, 1300, 1)], cfg);
    expect(r.steps).toBe(3);
    let t = 0;
    for (const [cached, n] of [
      [0, 512],
      [512, 512],
      [1024, 276],
    ] as const) {
      const c = emptyComposition();
      addPrefillChunk(c, cached, n, cached + n === 1300);
      t += cfg.stepModel.stepSeconds(c);
    }
    expect(r.requests[0]!.firstTokenAt).toBeCloseTo(t, 12);
  });

  it("chunked: the running decode goes first and the newcomer's chunks fill the budget; pause: the decode waits", () => {
    const reqs = [req(0, 0, 100, 50), req(1, 0.001, 4000, 1)];
    const cfg = setup({ maxNumBatchedTokens: 1024 });
    const chunked = runReferenceReplica(reqs, cfg);
    const m = cfg.stepModel;
    const first = emptyComposition();
    addPrefillChunk(first, 0, 100, true);
    let t = m.stepSeconds(first);
    expect(chunked.requests[0]!.firstTokenAt).toBeCloseTo(t, 12);
    // request 1 arrived during step 1; steps 2-5: request 0's decode + 1,023 prompt tokens (the last 931)
    for (let k = 0; k < 4; k++) {
      const c = emptyComposition();
      addDecode(c, 100 + k);
      const n = Math.min(1023, 4000 - 1023 * k);
      addPrefillChunk(c, 1023 * k, n, k === 3);
      t += m.stepSeconds(c);
    }
    expect(chunked.requests[1]!.firstTokenAt).toBeCloseTo(t, 9);

    const cfgP = setup({ prefill: "pause" });
    const pause = runReferenceReplica(reqs, cfgP);
    // pause: step 2 is request 1's whole prompt, alone; request 0 produces nothing in it
    const whole = emptyComposition();
    addPrefillChunk(whole, 0, 4000, true);
    const t2 = cfgP.stepModel.stepSeconds(first) + cfgP.stepModel.stepSeconds(whole);
    expect(pause.requests[1]!.firstTokenAt).toBeCloseTo(t2, 12);
    expect(pause.steps).toBe(51);
    expect(chunked.steps).toBe(50);
  });

  it("running out of blocks preempts the youngest request, which recomputes and finishes once", () => {
    // 2 requests of 64-token prompts growing to 64 + 64: 8 blocks each at the end, 12 blocks in all
    const cfg = setup({ kvBlocks: 12, blockSize: 16 });
    const r = runReferenceReplica([req(0, 0, 64, 65, "a"), req(1, 0, 64, 65, "b")], cfg);
    expect(r.preemptions).toBeGreaterThan(0);
    expect(r.requests[1]!.preemptions).toBeGreaterThan(0); // the younger one
    expect(r.requests[0]!.preemptions).toBe(0);
    expect(r.preemptionsByTenant.get("b")).toBe(r.preemptions);
    expect(r.requests[0]!.finishAt).toBeLessThan(r.requests[1]!.finishAt);
    for (const q of r.requests) expect(q.finishes).toBe(1);
    expect(r.tokensProduced).toBe(130);
    expect(r.blocks.allocated).toBe(r.blocks.freed);
    // recompute: request 1's prompt and the tokens it had produced were computed again
    expect(r.blocks.allocated).toBeGreaterThan(2 * blocksFor(64 + 64, 16));
  });

  it("swap preemption keeps the computed tokens and pays the copy at the host link's bandwidth", () => {
    const reqs = [req(0, 0, 64, 65), req(1, 0, 64, 65)];
    const recompute = runReferenceReplica(reqs, setup({ kvBlocks: 12, blockSize: 16 }));
    const swap = runReferenceReplica(reqs, setup({ kvBlocks: 12, blockSize: 16, preemption: "swap" }));
    expect(swap.preemptions).toBeGreaterThan(0);
    expect(swap.tokensProduced).toBe(130);
    expect(swap.blocks.allocated).toBe(swap.blocks.freed);
    // nothing recomputed: each request computes its prompt and all its tokens but the last once
    const once = 2 * (64 + 65 - 1);
    expect(swap.tokensComputed).toBe(once);
    expect(recompute.tokensComputed).toBeGreaterThan(once);
  });

  it("swap pays the copies out and in at the host link's bandwidth, each accelerator its own share", () => {
    // Llama 3.1 8B (public config): 32 layers x 8 KV heads x 128 dims x (K and V) x 2 bytes
    const kvBytesPerToken = 32 * 8 * 128 * 2 * 2;
    const reqs = [req(0, 0, 64, 65), req(1, 0, 64, 65), req(2, 0, 40, 90)];
    for (const tensor of [1, 2]) {
      const base = { ...servingSetup(H100, LLAMA8, { tensor }), kvBlocks: 14, blockSize: 16 };
      const cfg = (bw: number): ReferenceReplicaConfig => ({
        ...base,
        preemption: "swap",
        swapBandwidthBytesPerS: bw,
      });
      // all arrive at 0: the copies' time changes no decision, only the clock
      const free = runReferenceReplica(reqs, cfg(1e30));
      const slow = runReferenceReplica(reqs, cfg(1e9));
      expect(slow.swaps).toBeGreaterThan(0);
      expect(slow.hostBlocks.swappedOut).toBe(slow.hostBlocks.swappedIn);
      expect(slow.steps).toBe(free.steps);
      const copied = slow.hostBlocks.swappedOut + slow.hostBlocks.swappedIn;
      const seconds = (copied * 16 * kvBytesPerToken) / tensor / 1e9;
      expect(Math.abs(slow.endTime - free.endTime - seconds)).toBeLessThanOrEqual(1e-9 * slow.endTime);
    }
  });

  it("swap with no host memory left recomputes, exactly as recompute does", () => {
    const reqs = [req(0, 0, 64, 65), req(1, 0.01, 64, 65), req(2, 0.02, 100, 40)];
    const base = setup({ kvBlocks: 14, blockSize: 16 });
    const recompute = runReferenceReplica(reqs, base);
    const none = runReferenceReplica(reqs, { ...base, preemption: "swap", hostKvBlocks: 0 });
    expect(recompute.preemptions).toBeGreaterThan(0);
    expect(none.swaps).toBe(0);
    expect(none.preemptions).toBe(recompute.preemptions);
    expect(none.requests.map((q) => [q.firstTokenAt, q.finishAt])).toEqual(
      recompute.requests.map((q) => [q.firstTokenAt, q.finishAt]),
    );
    // five alike in 20 blocks: with room for every victim all are swapped (15 blocks at most at
    // once); with room for 9 some victims find the host full and are recomputed instead
    const five = Array.from({ length: 5 }, (_, id) => req(id, 0, 64, 65));
    const pool = setup({ kvBlocks: 20, blockSize: 16, preemption: "swap" });
    const all = runReferenceReplica(five, { ...pool, hostKvBlocks: 1e9 });
    expect(all.swaps).toBe(all.preemptions);
    const some = runReferenceReplica(five, { ...pool, hostKvBlocks: 9 });
    expect(some.swaps).toBeGreaterThan(0);
    expect(some.swaps).toBeLessThan(some.preemptions);
    expect(some.hostBlocks.peakInUse).toBeLessThanOrEqual(9);
    expect(some.hostBlocks.inUseAtEnd).toBe(0);
  });

  it("a request that can never fit is refused up front", () => {
    expect(() => runReferenceReplica([req(0, 0, 1000, 10)], setup({ kvBlocks: 10, blockSize: 16 }))).toThrow(
      /can never fit/,
    );
  });

  it("invariants on random request mixes: every request finishes once with the tokens it asked for; blocks balance and never exceed the pool", () => {
    const request = fc.record({
      gap: fc.double({ min: 0, max: 0.5, noNaN: true }),
      prompt: fc.integer({ min: 1, max: 600 }),
      output: fc.integer({ min: 1, max: 120 }),
      tenant: fc.constantFrom("a", "b", "c"),
    });
    fc.assert(
      fc.property(
        fc.array(request, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 48, max: 400 }),
        fc.constantFrom(8, 16),
        fc.integer({ min: 16, max: 2048 }),
        fc.integer({ min: 1, max: 64 }),
        fc.constantFrom("chunked" as const, "pause" as const),
        fc.constantFrom("recompute" as const, "swap" as const),
        (mix, kvBlocks, blockSize, budget, seqs, prefill, preemption) => {
          let t = 0;
          const reqs = mix.map((m, id) => {
            t += m.gap;
            // keep each request placeable alone
            const prompt = Math.min(m.prompt, kvBlocks * blockSize - m.output);
            return req(id, t, Math.max(1, prompt), m.output, m.tenant);
          });
          const r = runReferenceReplica(
            reqs,
            setup({
              kvBlocks,
              blockSize,
              maxNumBatchedTokens: budget,
              maxNumSeqs: seqs,
              prefill,
              preemption,
            }),
          );
          expect(r.requests).toHaveLength(reqs.length);
          let asked = 0;
          for (const [i, q] of r.requests.entries()) {
            const want = reqs[i]!;
            expect(q.finishes).toBe(1);
            expect(q.outputTokens).toBe(want.outputTokens);
            expect(q.firstTokenAt).toBeGreaterThan(want.arrival);
            expect(q.finishAt).toBeGreaterThanOrEqual(q.firstTokenAt);
            asked += want.outputTokens;
          }
          expect(r.tokensProduced).toBe(asked);
          // every token but each request's last goes through the model; recompute adds to that
          const once = reqs.reduce((s, q) => s + q.promptTokens + q.outputTokens - 1, 0);
          if (preemption === "swap" || r.preemptions === 0) expect(r.tokensComputed).toBe(once);
          else expect(r.tokensComputed).toBeGreaterThan(once);
          expect(r.blocks.allocated).toBe(r.blocks.freed);
          expect(r.blocks.inUseAtEnd).toBe(0);
          expect(r.blocks.peakInUse).toBeLessThanOrEqual(kvBlocks);
          expect(r.peakRunning).toBeLessThanOrEqual(seqs);
          const byTenant = [...r.preemptionsByTenant.values()].reduce((s, x) => s + x, 0);
          expect(byTenant).toBe(r.preemptions);
          expect(r.requests.reduce((s, q) => s + q.preemptions, 0)).toBe(r.preemptions);
        },
      ),
      { numRuns: 150 },
    );
  });
});
