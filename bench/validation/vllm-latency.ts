/**
 * The step model against vLLM's own published latency benchmark (docs/service-model.md "vLLM's
 * latency benchmark"): `vllm bench latency` runs a batch of 8 requests of 32 prompt tokens and
 * 128 output tokens, all at once, and reports the batch's end-to-end time. vLLM's CI publishes
 * it per build (buildkite.com/vllm/performance-benchmark/builds/9515, H200: Llama 3.1 8B on one
 * GPU 833.421 ms, Llama 3 70B on 4 GPUs 2,077.53 ms, Mixtral 8x7B on 2 GPUs 1,917.44 ms; BF16
 * weights, vLLM's defaults). Small batches: what it checks is the time of a decode step, the
 * weights read once plus the fixed costs, not the GEMMs' compute.
 *
 *   npx tsx bench/validation/vllm-latency.ts [--memory 0.7]
 */
import { parseArgs } from "node:util";
import { replayStepReplica } from "../../src/calibrate/replay.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import type { ModelSpec } from "../../src/scenario/types.js";
import { model, profile } from "../../test/fleet/helpers.js";

const { values } = parseArgs({ options: { memory: { type: "string" } } });

/** The catalog's model served in BF16 (2-byte weights and KV cache), as the benchmark ran it. */
function bf16(id: string, tensor: number): ModelSpec {
  const m = model(id);
  return {
    ...m,
    bytesPerParam: 2,
    kvBytesPerToken: (m.kvBytesPerToken * 2) / m.bytesPerParam,
    acceleratorsPerReplica: tensor,
  };
}

const CASES: Array<{ name: string; profile: string; model: string; tensor: number; publishedMs: number }> = [
  {
    name: "latency_llama8B_tp1",
    profile: "nd-h200-v5",
    model: "llama-3.1-8b",
    tensor: 1,
    publishedMs: 833.421,
  },
  {
    name: "latency_llama70B_tp4",
    profile: "nd-h200-v5",
    model: "llama-3-70b",
    tensor: 4,
    publishedMs: 2077.53,
  },
  {
    name: "latency_mixtral8x7B_tp2",
    profile: "nd-h200-v5",
    model: "mixtral-8x7b",
    tensor: 2,
    publishedMs: 1917.44,
  },
];

for (const c of CASES) {
  const device = values.memory === undefined ? {} : { device: { memoryEfficiency: Number(values.memory) } };
  // `vllm bench latency` runs the offline LLM class: its defaults on an H200 are 16,384 / 1,024
  const serving = servingSetup(profile(c.profile), bf16(c.model, c.tensor), {
    tensor: c.tensor,
    maxNumBatchedTokens: 16384,
    ...device,
  });
  const batch = Array.from({ length: 8 }, () => ({ arrivalS: 0, promptTokens: 32, outputTokens: 128 }));
  const out = replayStepReplica(batch, serving);
  const ms = Math.max(...out.finishS) * 1000;
  const err = ((ms - c.publishedMs) / c.publishedMs) * 100;
  console.log(
    `${c.name} (${c.profile}): ${ms.toFixed(0)} ms vs ${c.publishedMs} ms published (${err >= 0 ? "+" : ""}${err.toFixed(1)} %); ` +
      `${(ms / 128).toFixed(2)} ms a step against ${(c.publishedMs / 128).toFixed(2)}`,
  );
}
