/**
 * The step model against TensorRT-LLM's published offline throughput table (docs/service-model.md
 * "TensorRT-LLM's throughput table"): NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md
 * (v1.0, `trtllm-bench throughput`, FP8 checkpoints, every request queued at once, uniform
 * lengths; total output tokens/s). Llama 3.3 70B (Llama 3.1 70B's architecture) on one H200 and
 * on two H100s, Llama 3.1 8B on one of each, Llama 3.1 405B on eight of each, at 128/128,
 * 1,000/1,000 and 2,048/128 tokens.
 *
 *   npx tsx bench/validation/trtllm-throughput.ts     (a few seconds)
 *
 * Replayed on one step replica with the profiles' documented defaults; the table does not give
 * the engines' batch limits, so TensorRT-LLM's defaults are assumed (max_num_tokens 8,192,
 * max_batch_size 2,048, 90 % of free memory for the KV cache).
 */
import { replayStepReplica } from "../../src/calibrate/replay.js";
import { servingSetup } from "../../src/fleet/step-setup.js";
import type { ModelSpec } from "../../src/scenario/types.js";
import { model, profile } from "../../test/fleet/helpers.js";

function fp8(id: string, tensor: number): ModelSpec {
  const m = model(id);
  return {
    ...m,
    bytesPerParam: 1,
    kvBytesPerToken: m.kvBytesPerToken / m.bytesPerParam,
    acceleratorsPerReplica: tensor,
  };
}

const ROWS: Array<
  [profile: string, model: string, tensor: number, isl: number, osl: number, published: number]
> = [
  ["nd-h200-v5", "llama-3.1-70b", 1, 128, 128, 3803],
  ["nd-h100-v5", "llama-3.1-70b", 2, 128, 128, 6378],
  ["nd-h200-v5", "llama-3.1-70b", 1, 1000, 1000, 2909],
  ["nd-h100-v5", "llama-3.1-70b", 2, 1000, 1000, 4205],
  ["nd-h200-v5", "llama-3.1-70b", 1, 2048, 128, 442],
  ["nd-h100-v5", "llama-3.1-70b", 2, 2048, 128, 762],
  ["nd-h200-v5", "llama-3.1-8b", 1, 128, 128, 27911],
  ["nd-h100-v5", "llama-3.1-8b", 1, 128, 128, 28312],
  ["nd-h200-v5", "llama-3.1-8b", 1, 1000, 1000, 17744],
  ["nd-h100-v5", "llama-3.1-8b", 1, 1000, 1000, 15220],
  ["nd-h200-v5", "llama-3.1-8b", 1, 2048, 128, 3538],
  ["nd-h100-v5", "llama-3.1-8b", 1, 2048, 128, 3450],
  // Llama 3.1 405B at tensor parallel 8 on both GPUs
  ["nd-h200-v5", "llama-3.1-405b", 8, 128, 128, 3814],
  ["nd-h100-v5", "llama-3.1-405b", 8, 128, 128, 3627],
  ["nd-h200-v5", "llama-3.1-405b", 8, 1000, 1000, 3330],
  ["nd-h100-v5", "llama-3.1-405b", 8, 1000, 1000, 2919],
  ["nd-h200-v5", "llama-3.1-405b", 8, 2048, 128, 456],
  ["nd-h100-v5", "llama-3.1-405b", 8, 2048, 128, 453],
];

for (const [p, id, tensor, isl, osl, published] of ROWS) {
  const serving = servingSetup(profile(p), fp8(id, tensor), {
    tensor,
    maxNumBatchedTokens: 8192,
    maxNumSeqs: 2048,
  });
  // the table's request counts (30,000 at 128/128, else 3,000) reach a steady state; a fifth of them does too
  const n = isl === 128 && osl === 128 ? 6000 : 1500;
  const out = replayStepReplica(
    Array.from({ length: n }, () => ({ arrivalS: 0, promptTokens: isl, outputTokens: osl })),
    serving,
  );
  const tokensPerS = (n * osl) / Math.max(...out.finishS);
  const err = ((tokensPerS - published) / published) * 100;
  console.log(
    `${id} ${p} TP${tensor} ${isl}/${osl}: ${tokensPerS.toFixed(0)} vs ${published} output tokens/s (${err >= 0 ? "+" : ""}${err.toFixed(1)} %)`,
  );
}
