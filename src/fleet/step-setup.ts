/**
 * A served replica's step-model configuration from a hardware profile and a catalog model:
 * the device figures, the step-time model, the KV block count and the scheduler limits, with the
 * documented defaults (docs/service-model.md "Step model").
 */
import type { HardwareProfile, ModelSpec } from "../scenario/types.js";
import { totalParams } from "./architecture.js";
import {
  activationReserveEstimate,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_GPU_MEMORY_UTILIZATION,
  DEFAULT_HOST_LINK_GB_PER_S,
  FIXED_ACTIVATION_RESERVE_BYTES,
  kvBlockCount,
  VLLM_SWAP_SPACE_BYTES,
} from "./kv-blocks.js";
import { acceleratorMemoryBytes } from "./memory.js";
import type { Interconnect } from "./parallelism.js";
import type { ReferenceReplicaConfig } from "./reference-step-replica.js";
import { type ParallelismSpec, type StepDevice, StepTimeModel } from "./step-time.js";

/**
 * ESTIMATE: fixed time of a step, 2 ms: the CPU side of one vLLM step (scheduling, preparing
 * inputs, sampling, detokenizing) for batches of hundreds of requests, which vLLM V1 overlaps in
 * part with the GPU. No public measurement isolates it; the order of milliseconds is why vLLM V1
 * was restructured (its announcement names CPU overhead as the main limit of V0).
 */
export const DEFAULT_STEP_OVERHEAD_MS = 2;

/** Link assumed when a profile gives none: PCIe Gen5 x16, 64 GB/s each way; ESTIMATE 5 us per hop. */
export const DEFAULT_INTERCONNECT: Interconnect = { kind: "pcie5", bandwidthBytesPerS: 64e9, latencyS: 5e-6 };

/** vLLM's defaults of the settings that do not depend on the hardware. */
export const VLLM_DEFAULTS = {
  blockSize: DEFAULT_BLOCK_SIZE,
  gpuMemoryUtilization: DEFAULT_GPU_MEMORY_UTILIZATION,
} as const;

/** A GPU with at least this much memory (other than an A100) gets vLLM's larger batch defaults. */
const LARGE_GPU_BYTES = 70 * 2 ** 30;

/**
 * vLLM's defaults of max_num_batched_tokens and max_num_seqs for `vllm serve` (its OpenAI API
 * server usage context), which depend on the hardware (vllm/engine/arg_utils.py,
 * EngineArgs.get_batch_defaults / _set_default_args): a GPU of at least 70 GiB other than an A100
 * (H100, H200, MI300X; "setting large max_num_batched_tokens for A100 reduces throughput", vLLM PR
 * #17885) gets 8192 and 1024; other GPUs 2048 and 256; CPUs (Cobalt) 2048 and 128 per device of
 * the replica (tensor x pipeline). max_num_seqs is then held to max_num_batched_tokens. Accelerators
 * that vLLM does not name (Maia) follow its GPU rule by their memory.
 */
export function vllmBatchDefaults(
  profile: HardwareProfile,
  devices: number,
  maxNumBatchedTokens?: number,
): { maxNumBatchedTokens: number; maxNumSeqs: number } {
  const [tokens, seqs] =
    profile.kind === "cobalt"
      ? [2048 * devices, 128 * devices]
      : acceleratorMemoryBytes(profile) >= LARGE_GPU_BYTES && !/a100/i.test(profile.accelerator)
        ? [8192, 1024]
        : [2048, 256];
  const budget = maxNumBatchedTokens ?? tokens;
  return { maxNumBatchedTokens: budget, maxNumSeqs: Math.min(seqs, budget) };
}

export function stepDevice(profile: HardwareProfile, over: Partial<StepDevice> = {}): StepDevice {
  const ic = profile.interconnect;
  return {
    peakFlops: profile.peakTflops * 1e12,
    bandwidthBytesPerS: profile.memoryBandwidthTbPerS * 1e12,
    memoryBytes: acceleratorMemoryBytes(profile),
    computeEfficiency: profile.efficiency.compute,
    memoryEfficiency: profile.efficiency.memory,
    stepOverheadS: (profile.stepOverheadMs ?? DEFAULT_STEP_OVERHEAD_MS) / 1000,
    interconnect: ic
      ? { kind: ic.kind, bandwidthBytesPerS: ic.bandwidthGbPerS * 1e9, latencyS: ic.latencyUs * 1e-6 }
      : DEFAULT_INTERCONNECT,
    ...over,
  };
}

export interface ServingOptions {
  /** Tensor-parallel degree (default: the model's accelerators per replica / pipeline). */
  tensor?: number;
  pipeline?: number;
  expert?: number;
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  blockSize?: number;
  gpuMemoryUtilization?: number;
  /** Blocks given directly (vLLM num_gpu_blocks_override) instead of derived from memory. */
  kvBlocks?: number;
  prefill?: "chunked" | "pause";
  preemption?: "recompute" | "swap";
  /** vLLM's long_prefill_token_threshold (0: none). */
  longPrefillTokenThreshold?: number;
  /** Host memory for swapped-out blocks per accelerator, bytes (vLLM swap_space; default 4 GiB). */
  swapSpaceBytes?: number;
  /** Bytes per cached K/V value (default: the model's bytes per weight). */
  kvBytesPerValue?: number;
  /** Device figures to override (efficiencies, overhead). */
  device?: Partial<StepDevice>;
}

/** Everything the reference and the production step replicas need to serve `model` on `profile`. */
export function servingSetup(
  profile: HardwareProfile,
  model: ModelSpec,
  opts: ServingOptions = {},
): ReferenceReplicaConfig & {
  parallel: ParallelismSpec;
  hostKvBlocks: number;
  swapBandwidthBytesPerS: number;
} {
  const arch = model.architecture;
  const pipeline = opts.pipeline ?? 1;
  const tensor = opts.tensor ?? Math.max(1, Math.floor(model.acceleratorsPerReplica / pipeline));
  const parallel: ParallelismSpec = { tensor, pipeline, expert: opts.expert ?? 1 };
  // GEMMs at the weights' precision: 1-byte weights (FP8, MX) at peak_tflops, 2-byte at BF16;
  // attention math at BF16 (its activations and the cache read back; ESTIMATE: vLLM's FlashAttention
  // computes in BF16 even over an FP8 KV cache)
  const device = stepDevice(profile, {
    peakFlops: (model.bytesPerParam >= 2 ? profile.peakTflopsBf16 : profile.peakTflops) * 1e12,
    attentionPeakFlops: profile.peakTflopsBf16 * 1e12,
    ...opts.device,
  });
  const activationBytes = 2;
  const stepModel = new StepTimeModel(
    arch
      ? {
          architecture: arch,
          bytesPerParam: model.bytesPerParam,
          kvBytesPerValue: opts.kvBytesPerValue ?? model.bytesPerParam,
          activationBytes,
        }
      : {
          // a closed model: its published sizes only (see StepModelSpec)
          paramsOnly: {
            totalParams: model.paramsB * 1e9,
            activeParams: model.activeParamsB * 1e9,
            kvBytesPerToken: model.kvBytesPerToken,
          },
          bytesPerParam: model.bytesPerParam,
          kvBytesPerValue: model.bytesPerParam,
          activationBytes,
        },
    device,
    parallel,
  );
  const defaults = vllmBatchDefaults(profile, tensor * pipeline, opts.maxNumBatchedTokens);
  const maxNumBatchedTokens = defaults.maxNumBatchedTokens;
  const maxNumSeqs = opts.maxNumSeqs ?? defaults.maxNumSeqs;
  const blockSize = opts.blockSize ?? VLLM_DEFAULTS.blockSize;
  const kvBlocks =
    opts.kvBlocks ??
    kvBlockCount({
      memoryBytesPerDevice: device.memoryBytes,
      gpuMemoryUtilization: opts.gpuMemoryUtilization ?? VLLM_DEFAULTS.gpuMemoryUtilization,
      weightBytesPerDevice: stepModel.weightBytesPerDevice(arch ? totalParams(arch) : model.paramsB * 1e9),
      // without an architecture only the fixed part of the estimate is known
      activationReserveBytesPerDevice: arch
        ? activationReserveEstimate({
            maxBatchedTokens: maxNumBatchedTokens,
            maxSeqs: maxNumSeqs,
            hiddenSize: arch.hiddenSize,
            intermediateSize: arch.intermediateSize,
            expertsActive: arch.expertsActive,
            vocabSize: arch.vocabSize,
            tensor,
            activationBytes,
          })
        : FIXED_ACTIVATION_RESERVE_BYTES,
      kvBytesPerTokenPerDevice: stepModel.kvBytesPerTokenPerDevice(),
      blockSize,
    });
  return {
    stepModel,
    kvBlocks,
    blockSize,
    maxNumBatchedTokens,
    maxNumSeqs,
    prefill: opts.prefill ?? "chunked",
    preemption: opts.preemption ?? "recompute",
    longPrefillTokenThreshold: opts.longPrefillTokenThreshold ?? 0,
    swapBandwidthBytesPerS: (profile.hostLinkGbPerS ?? DEFAULT_HOST_LINK_GB_PER_S) * 1e9,
    // as vLLM's num_cpu_blocks: each worker's swap space over its share of a block
    hostKvBlocks: Math.floor(
      (opts.swapSpaceBytes ?? VLLM_SWAP_SPACE_BYTES) / (blockSize * stepModel.kvBytesPerTokenPerDevice()),
    ),
    parallel,
  };
}
