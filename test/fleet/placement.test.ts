import { describe, expect, it } from "vitest";
import { fitProblem, nodesPerReplica, replicasPerNodes } from "../../src/fleet/placement.js";
import { model, profile, toyModel, toyProfile } from "./helpers.js";

describe("replicasPerNodes", () => {
  it("packs small models: mistral-7b (1 accelerator) on 8 x H100 is 8 replicas per node", () => {
    expect(replicasPerNodes(profile("nd-h100-v5"), model("mistral-7b"), 1)).toBe(8);
    expect(replicasPerNodes(profile("nd-h100-v5"), model("mistral-7b"), 3)).toBe(24);
    expect(replicasPerNodes(profile("nd-h100-v5"), model("llama-2-70b"), 10)).toBe(40);
  });

  it("floors when a node's accelerators do not divide evenly", () => {
    expect(replicasPerNodes(toyProfile(), toyModel({ acceleratorsPerReplica: 3 }), 1)).toBe(2);
    expect(replicasPerNodes(toyProfile(), toyModel({ acceleratorsPerReplica: 3 }), 3)).toBe(8);
  });

  it("spans whole nodes: a 16-accelerator model on 8-accelerator nodes takes 2 nodes per replica", () => {
    const big = toyModel({ acceleratorsPerReplica: 16 });
    expect(nodesPerReplica(toyProfile(), big)).toBe(2);
    expect(replicasPerNodes(toyProfile(), big, 5)).toBe(2);
    expect(replicasPerNodes(toyProfile(), big, 1)).toBe(0);
    // gpt-4o (8 accelerators) on maia-100 (4 per node)
    expect(replicasPerNodes(profile("maia-100"), model("gpt-4o"), 6)).toBe(3);
  });
});

describe("fitProblem", () => {
  it("refuses llama-2-70b on a Cobalt node, naming both", () => {
    const why = fitProblem(profile("cobalt-100"), model("llama-2-70b"));
    expect(why).toMatch(/llama-2-70b/);
    expect(why).toMatch(/cobalt-100/);
  });

  it("reports weights that do not fit, in GB", () => {
    const bf16 = { ...model("llama-2-70b"), bytesPerParam: 2, acceleratorsPerReplica: 1 };
    expect(fitProblem(profile("nd-h100-v5"), bf16)).toBe(
      "llama-2-70b needs 138.0 GB for weights but a replica of 1 x H100-SXM-80GB has 85.9 GB (80.0 GiB; 77.3 GB usable)",
    );
  });

  it("reports weights that fit without room for one request's KV cache", () => {
    // usable 2 x 100 GiB x 0.9 = 193.27e9 B; weights 193.2e9 B; one 1,024-token request needs
    // 1024 x 1e5 = 0.1 GB
    const tight = toyModel({ paramsB: 96.6 });
    expect(fitProblem(toyProfile(), tight)).toMatch(/KV cache for one 1024-token request/);
    expect(fitProblem(toyProfile(), toyModel({ paramsB: 96 }))).toBeNull();
  });

  it("refuses a replica that spans part of a node, or a fractional one", () => {
    expect(fitProblem(toyProfile(), toyModel({ acceleratorsPerReplica: 12 }))).toMatch(/whole nodes/);
    expect(fitProblem(toyProfile(), toyModel({ acceleratorsPerReplica: 1.5 }))).toMatch(/whole number/);
    expect(fitProblem(toyProfile(), toyModel({ acceleratorsPerReplica: 16 }))).toBeNull();
  });

  it("accepts models that fit", () => {
    expect(fitProblem(profile("nd-h100-v5"), model("llama-2-70b"))).toBeNull();
    expect(fitProblem(profile("cobalt-100"), model("mistral-7b"))).toBeNull();
    expect(fitProblem(profile("maia-100"), model("gpt-4o"))).toBeNull();
  });
});
