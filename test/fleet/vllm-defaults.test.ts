/**
 * vLLM's defaults of max_num_batched_tokens and max_num_seqs depend on the hardware
 * (vllm/engine/arg_utils.py get_batch_defaults, `vllm serve`): 8192 / 1024 on GPUs of at least
 * 70 GiB other than the A100, 2048 / 256 on the others, 2048 / 128 per device on CPUs; the
 * sequence cap is then held to the budget. A scenario that gives neither gets each pool's.
 */
import { describe, expect, it } from "vitest";
import { buildTopology } from "../../src/contract/topology.js";
import { formatProblem, InputError } from "../../src/errors.js";
import { servingSetup, vllmBatchDefaults } from "../../src/fleet/step-setup.js";
import { loadScenario } from "../../src/scenario/load.js";
import { model, profile, toyProfile } from "./helpers.js";

const GIB70 = 70; // memory_gb_per_accelerator counts GiB

describe("vLLM's batch defaults by hardware", () => {
  it.each([
    ["nd-h100-v5", 8192, 1024],
    ["nd-h200-v5", 8192, 1024],
    ["nd-gb200-v6", 8192, 1024],
    // 80 GB, but vLLM names the A100 out (PR #17885: a large budget lowers its throughput)
    ["nd-a100-v4", 2048, 256],
    // 64 GB: below 70 GiB
    ["maia-100", 2048, 256],
  ])("%s: %i tokens, %i sequences", (id, tokens, seqs) => {
    expect(vllmBatchDefaults(profile(id), 1)).toEqual({ maxNumBatchedTokens: tokens, maxNumSeqs: seqs });
  });

  it("CPUs (Cobalt): 2048 tokens and 128 sequences per device of the replica", () => {
    expect(vllmBatchDefaults(profile("cobalt-100"), 1)).toEqual({
      maxNumBatchedTokens: 2048,
      maxNumSeqs: 128,
    });
    expect(vllmBatchDefaults(profile("cobalt-100"), 2)).toEqual({
      maxNumBatchedTokens: 4096,
      maxNumSeqs: 256,
    });
  });

  it("the 70 GiB boundary: exactly 70 is large, just under is not; the A100 by name at any size", () => {
    expect(vllmBatchDefaults(toyProfile({ memoryGbPerAccelerator: GIB70 }), 1).maxNumBatchedTokens).toBe(
      8192,
    );
    expect(
      vllmBatchDefaults(toyProfile({ memoryGbPerAccelerator: GIB70 - 0.01 }), 1).maxNumBatchedTokens,
    ).toBe(2048);
    expect(
      vllmBatchDefaults(toyProfile({ memoryGbPerAccelerator: 200, accelerator: "a100-custom" }), 1)
        .maxNumSeqs,
    ).toBe(256);
  });

  it("a budget given keeps the default sequence cap, held to the budget", () => {
    expect(vllmBatchDefaults(profile("nd-a100-v4"), 1, 512)).toEqual({
      maxNumBatchedTokens: 512,
      maxNumSeqs: 256,
    });
    expect(vllmBatchDefaults(profile("nd-a100-v4"), 1, 100)).toEqual({
      maxNumBatchedTokens: 100,
      maxNumSeqs: 100,
    });
    expect(vllmBatchDefaults(profile("nd-h100-v5"), 1, 16384)).toEqual({
      maxNumBatchedTokens: 16384,
      maxNumSeqs: 1024,
    });
  });

  it("the step replica's setup takes them when not given, and what is given when it is", () => {
    const m = model("llama-3.1-8b");
    const a100 = servingSetup(profile("nd-a100-v4"), m);
    expect([a100.maxNumBatchedTokens, a100.maxNumSeqs]).toEqual([2048, 256]);
    const h100 = servingSetup(profile("nd-h100-v5"), m);
    expect([h100.maxNumBatchedTokens, h100.maxNumSeqs]).toEqual([8192, 1024]);
    const given = servingSetup(profile("nd-a100-v4"), m, { maxNumBatchedTokens: 8192, maxNumSeqs: 512 });
    expect([given.maxNumBatchedTokens, given.maxNumSeqs]).toEqual([8192, 512]);
  });
});

describe("a scenario without the limits gets each pool's", () => {
  const scenario = "scenarios/exclusive-2023.yaml"; // H100 and A100 pools

  it("an H100 pool's replicas run 8192 / 1024 and an A100 pool's 2048 / 256", async () => {
    const s = await loadScenario(scenario);
    const topo = buildTopology(s, new Map());
    const byAccelerator = new Map(
      topo.groups.map((g) => [
        g.profile.accelerator,
        [g.serving!.maxNumBatchedTokens, g.serving!.maxNumSeqs],
      ]),
    );
    // the scenario's scheduler.max_batch (256) caps the running batch on top of max_num_seqs
    expect(s.scheduler.maxBatch).toBe(256);
    expect(byAccelerator.get("H100-SXM-80GB")).toEqual([8192, 256]);
    expect(byAccelerator.get("A100-SXM4-80GB")).toEqual([2048, 256]);
    const uncapped = buildTopology(
      await loadScenario(scenario, { set: ["scheduler.max_batch=null"] }),
      new Map(),
    );
    expect(uncapped.groups.map((g) => [g.profile.accelerator, g.serving!.maxNumSeqs]).sort()).toEqual([
      ["A100-SXM4-80GB", 256],
      ["H100-SXM-80GB", 1024],
    ]);
  });

  it("given, they apply to every pool", async () => {
    const s = await loadScenario(scenario, {
      set: [
        "scheduler.max_num_batched_tokens=4096",
        "scheduler.max_num_seqs=300",
        "scheduler.max_batch=null",
      ],
    });
    for (const g of buildTopology(s, new Map()).groups) {
      expect([g.serving!.maxNumBatchedTokens, g.serving!.maxNumSeqs]).toEqual([4096, 300]);
    }
  });

  it("max_num_seqs alone above a pool's default budget is an input error naming the pool", async () => {
    const s = await loadScenario(scenario, { set: ["scheduler.max_num_seqs=4096"] });
    let err: unknown;
    try {
      buildTopology(s, new Map());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const messages = (err as InputError).problems.map((p) => `${p.path}: ${p.message}`);
    expect(messages).toHaveLength(1); // the H100 pool's 8192 holds 4096
    expect(messages[0]).toMatch(
      /^scheduler\.max_num_seqs: max_num_seqs \(4096\) must not exceed max_num_batched_tokens \(2048, vLLM's default for pool \S+'s A100-SXM4-80GB\)/,
    );
    // given with --set, the error names the flag, not the scenario file
    expect(formatProblem((err as InputError).problems[0])).toMatch(
      /^--set scheduler\.max_num_seqs: max_num_seqs \(4096\)/,
    );
    // a pool serving several models says it once
    let many: unknown;
    try {
      buildTopology(
        await loadScenario("scenarios/multi-model-2025.yaml", { set: ["scheduler.max_num_seqs=4096"] }),
        new Map(),
      );
    } catch (e) {
      many = e;
    }
    const said = (many as InputError).problems.map((p) => p.message);
    expect(said.length).toBeGreaterThan(0);
    expect(new Set(said).size).toBe(said.length);
    // exactly at the A100's budget it is accepted
    const ok = await loadScenario(scenario, { set: ["scheduler.max_num_seqs=2048"] });
    expect(() => buildTopology(ok, new Map())).not.toThrow();
  });
});
