/**
 * The service curve of a step-served replica (scheduler.prefill: chunked), read from its step
 * model so that the fluid mode, the headroom estimate and the cost-per-token economics describe
 * the same server the request-level step replica simulates:
 *   decode(b) = b / (time of a decode step of b requests at the mean context),
 *   prefill   = tokens of a full-budget prompt chunk / that chunk's step time,
 *   max batch = the fewer of max_num_seqs and the KV blocks over the blocks of a mean request.
 */
import type { ModelSpec } from "../scenario/types.js";
import { blocksFor } from "./kv-blocks.js";
import type { ServiceCurve } from "./service-model.js";
import { addPrefillChunk, emptyComposition, type StepTimeModel } from "./step-time.js";

/** What a step-served replica needs: the step-time model, its KV blocks and vLLM's scheduler limits. */
export interface StepServing {
  stepModel: StepTimeModel;
  kvBlocks: number;
  blockSize: number;
  maxNumBatchedTokens: number;
  maxNumSeqs: number;
  /** KV bytes per token in the units the router sizes requests in (default: the step model's). */
  kvBytesPerToken?: number;
  /** What a KV-shortage preemption does (default recompute; swap: docs/service-model.md). */
  preemption?: "recompute" | "swap";
  /** swap: one accelerator's host link, bytes/s each way (default 64e9, PCIe Gen5 x16). */
  swapBandwidthBytesPerS?: number;
  /**
   * Most prompt tokens one request computes in a step (vLLM's long_prefill_token_threshold; 0 or
   * absent: none beyond the budget).
   */
  longPrefillTokenThreshold?: number;
  /** swap: blocks host memory holds for swapped-out requests (vLLM num_cpu_blocks; default no limit). */
  hostKvBlocks?: number;
}

export function stepServiceCurve(
  setup: StepServing,
  model: ModelSpec,
  meanContextTokens: number,
  maxBatchCap: number | null,
): ServiceCurve {
  const perRequest = Math.max(1, blocksFor(Math.ceil(meanContextTokens), setup.blockSize));
  const maxBatch = Math.max(
    1,
    Math.min(
      setup.maxNumSeqs,
      Math.floor(setup.kvBlocks / perRequest),
      maxBatchCap ?? Number.POSITIVE_INFINITY,
    ),
  );
  const decode = new Float64Array(maxBatch + 1);
  const c = emptyComposition();
  for (let b = 1; b <= maxBatch; b++) {
    c.decodes = b;
    c.decodeCachedSum = b * meanContextTokens;
    decode[b] = b / setup.stepModel.stepSeconds(c);
  }
  const chunk = emptyComposition();
  addPrefillChunk(chunk, 0, setup.maxNumBatchedTokens, true);
  // A full step: maxBatch decodes and prompt tokens filling the rest of the budget (saturation).
  c.decodes = maxBatch;
  c.decodeCachedSum = maxBatch * meanContextTokens;
  const decodesOnly = setup.stepModel.stepSeconds(c);
  const fill = Math.max(1, setup.maxNumBatchedTokens - maxBatch);
  addPrefillChunk(c, 0, fill, true);
  return {
    source: "step",
    prefillTokensPerS: setup.maxNumBatchedTokens / setup.stepModel.stepSeconds(chunk),
    decodeTokensPerS: decode,
    maxBatch,
    kvCapacityBytes: setup.kvBlocks * setup.blockSize * model.kvBytesPerToken,
    mixedPrefillSPerToken: (setup.stepModel.stepSeconds(c) - decodesOnly) / fill,
  };
}
